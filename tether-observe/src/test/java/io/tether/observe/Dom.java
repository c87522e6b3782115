package io.tether.observe;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough reading of Chromium's serialized DOM for the browser test: the rows of the groups
 * table and the tree's nesting. The page writes both from plain elements that always close.
 */
final class Dom {
  private Dom() {}

  private static final Pattern TAG = Pattern.compile("<(/?)([a-zA-Z0-9]+)([^>]*)>");
  private static final Pattern DATA_NAME = Pattern.compile("data-name=\"([^\"]*)\"");
  private static final Set<String> VOID = Set.of("input", "br", "img", "meta", "link", "hr");

  /** The inner HTML of the first element with this id. */
  static String byId(String html, String id) {
    int start = html.indexOf(" id=\"" + id + "\"");
    if (start < 0) {
      throw new AssertionError("no element with id '" + id + "' in:\n" + html);
    }
    int open = html.lastIndexOf('<', start);
    Matcher m = TAG.matcher(html);
    m.region(open, html.length());
    int depth = 0;
    int innerStart = -1;
    while (m.find()) {
      String tag = m.group(2).toLowerCase(java.util.Locale.ROOT);
      if (VOID.contains(tag)) {
        continue;
      }
      if (m.group(1).isEmpty()) {
        if (depth++ == 0) {
          innerStart = m.end();
        }
      } else if (--depth == 0) {
        return html.substring(innerStart, m.start());
      }
    }
    throw new AssertionError("element '" + id + "' does not close");
  }

  /** Text with tags removed and entities for &amp;, &lt;, &gt; read. */
  static String text(String html) {
    return html.replaceAll("<[^>]*>", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
        .replaceAll("\\s+", " ")
        .strip();
  }

  /** Each {@code <tr class="group...">} of the groups table, as its cells' texts. */
  static List<List<String>> groupRows(String html) {
    List<List<String>> rows = new ArrayList<>();
    Matcher tr =
        Pattern.compile("<tr class=\"group[^\"]*\"[^>]*>(.*?)</tr>", Pattern.DOTALL)
            .matcher(byId(html, "groups"));
    while (tr.find()) {
      List<String> cells = new ArrayList<>();
      Matcher td = Pattern.compile("<td[^>]*>(.*?)</td>", Pattern.DOTALL).matcher(tr.group(1));
      while (td.find()) {
        cells.add(text(td.group(1)));
      }
      rows.add(cells);
    }
    return rows;
  }

  /** Whether the groups table has a row marked as a long wait. */
  static boolean hasLongRow(String html) {
    return byId(html, "groups").contains("class=\"group long\"");
  }

  /** Each tree node's label path: its own data-name after its ancestors', joined with " > ". */
  static List<String> treePaths(String html) {
    List<String> out = new ArrayList<>();
    Deque<String> stack = new ArrayDeque<>();
    Matcher m = TAG.matcher(byId(html, "tree"));
    while (m.find()) {
      String tag = m.group(2).toLowerCase(java.util.Locale.ROOT);
      if (!tag.equals("li")) {
        continue;
      }
      if (m.group(1).isEmpty()) {
        Matcher name = DATA_NAME.matcher(m.group(3));
        String n = name.find() ? name.group(1).replace("&amp;", "&") : "";
        stack.addLast(n);
        if (!n.isEmpty()) {
          out.add(String.join(" > ", stack.stream().filter(s -> !s.isEmpty()).toList()));
        }
      } else {
        stack.removeLast();
      }
    }
    return out;
  }
}
