package io.tether.observe;

import io.tether.TaskInfo;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The query filters of {@code /debug/tether/tasks} and the page: {@code owner=} (a prefix of the
 * owner path), {@code state=} (a prefix of the state, any case), {@code min_wait=} (parked at least
 * that long: {@code 500ms}, {@code 2s}, {@code 5m}, {@code 1h} or ISO {@code PT2S}) and {@code
 * limit=} (at most that many entries, the oldest ids first).
 */
record TaskFilter(String owner, String state, Duration minWait, int limit) {

  static final int MAX_LIMIT = 10_000_000;

  static final TaskFilter NONE = new TaskFilter(null, null, null, MAX_LIMIT);

  private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

  /** Reads the filter parameters of {@code query}; other keys are the caller's to check. */
  static TaskFilter parse(Map<String, String> query) throws BadRequest {
    String owner = blankToNull(query.get("owner"));
    String state = blankToNull(query.get("state"));
    String wait = blankToNull(query.get("min_wait"));
    String limit = blankToNull(query.get("limit"));
    return new TaskFilter(
        owner,
        state == null ? null : state.toUpperCase(Locale.ROOT),
        wait == null ? null : duration(wait),
        limit == null ? MAX_LIMIT : limit(limit));
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  static Duration duration(String s) throws BadRequest {
    Matcher m = SHORT_DURATION.matcher(s);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> throw new AssertionError(m.group(2));
      };
    }
    try {
      Duration d = Duration.parse(s);
      if (!d.isNegative()) {
        return d;
      }
    } catch (DateTimeParseException e) {
      // fall through to the message below
    }
    throw new BadRequest(
        400,
        "min_wait='"
            + s
            + "' is not a duration; use a whole number with ms, s, m or h (500ms, 2s, 5m) or ISO"
            + " PT2S");
  }

  private static int limit(String s) throws BadRequest {
    try {
      int n = Integer.parseInt(s);
      if (n >= 1 && n <= MAX_LIMIT) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new BadRequest(
        400, "limit='" + s + "' must be a whole number from 1 to " + MAX_LIMIT + " (entries)");
  }

  boolean isNone() {
    return owner == null && state == null && minWait == null && limit == MAX_LIMIT;
  }

  /** The entries of {@code all} that pass, in order, at most {@link #limit()} of them. */
  List<TaskInfo> apply(List<TaskInfo> all, Instant now) {
    if (isNone()) {
      return all;
    }
    List<TaskInfo> out = new ArrayList<>(Math.min(all.size(), limit));
    for (TaskInfo i : all) {
      if (out.size() >= limit) {
        break;
      }
      if (test(i, now)) {
        out.add(i);
      }
    }
    return out;
  }

  boolean test(TaskInfo i, Instant now) {
    if (owner != null && !i.path().startsWith(owner)) {
      return false;
    }
    if (state != null && !i.state().toUpperCase(Locale.ROOT).startsWith(state)) {
      return false;
    }
    if (minWait != null) {
      Instant since = i.waitingSince();
      return since != null && Duration.between(since, now).compareTo(minWait) >= 0;
    }
    return true;
  }
}
