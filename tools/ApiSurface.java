import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.annotation.Documented;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The public API of one library module as text, one line per signature, checked against a committed
 * baseline: the build's guard on the public surface (docs/api-compatibility.md).
 *
 * <p>Run by the {@code api-surface} execution of the parent POM, in Maven's {@code verify} phase,
 * as a single-file program ({@code java -cp <module's class path> ApiSurface.java ...}): nothing to
 * build, nothing published. Arguments: the artifact id, the module's classes directory, the
 * baseline file, and {@code true} to write the baseline instead of checking it.
 *
 * <p>What counts as API: every public or protected type, constructor, method and field of the
 * packages that {@code module-info} exports without qualification, and the public methods a public
 * class inherits from a superclass that is not API itself. Each type line carries its modifiers
 * (sealed, final, ...), type parameters with bounds, supertypes, record components and documented
 * annotations ({@code @Deprecated}, {@code @FunctionalInterface}); members carry generic parameter,
 * return and thrown types. Parameter names and constant values are left out (renaming a parameter
 * breaks no caller; reading a constant would run the class's static initializer). Types and members
 * are sorted by name (enum constants keep their order: ordinals are API), so the file changes only
 * when the API does.
 */
public final class ApiSurface {

  static final String UPDATE =
      "./mvn21 -B -q compile exec:exec@api-surface -Dtether.api.update=true";

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println("usage: ApiSurface <artifactId> <classes dir> <baseline file> <update>");
      System.exit(2);
    }
    String artifact = args[0];
    Path classes = Path.of(args[1]);
    Path baseline = Path.of(args[2]);
    boolean update = Boolean.parseBoolean(args[3]);

    String current = dump(artifact, classes);
    if (update) {
      Files.createDirectories(baseline.toAbsolutePath().getParent());
      Files.writeString(baseline, current, StandardCharsets.UTF_8);
      System.out.println("[api] " + artifact + ": wrote " + baseline);
      return;
    }
    if (!Files.exists(baseline)) {
      fail(
          artifact
              + " has no API baseline yet ("
              + baseline
              + "). Write it, review it and commit it:\n    "
              + UPDATE);
    }
    String expected = Files.readString(baseline, StandardCharsets.UTF_8).replace("\r\n", "\n");
    if (expected.equals(current)) {
      System.out.println("[api] " + artifact + ": public API matches " + baseline);
      return;
    }
    fail(
        "The public API of "
            + artifact
            + " differs from its baseline "
            + baseline
            + " (- only in the baseline, + only in this build):\n"
            + diff(expected, current)
            + "\nIf the change is deliberate, update the baseline and commit it with the change:\n"
            + "    "
            + UPDATE
            + "\n(before 1.0, removing or changing a signature needs a line in CHANGELOG.md).");
  }

  static void fail(String message) {
    System.err.println("[api] ERROR " + message.replace("\n", "\n[api] "));
    System.exit(1);
  }

  // ---- The dump ----

  static String dump(String artifact, Path classes) throws IOException, ClassNotFoundException {
    if (!Files.exists(classes.resolve("module-info.class"))) {
      fail(artifact + ": no module-info.class in " + classes + "; a library module needs one.");
    }
    ModuleDescriptor module = ModuleFinder.of(classes).findAll().iterator().next().descriptor();
    Set<String> exported =
        module.exports().stream()
            .filter(e -> !e.isQualified())
            .map(ModuleDescriptor.Exports::source)
            .collect(Collectors.toCollection(java.util.TreeSet::new));

    List<Class<?>> types = new ArrayList<>();
    ClassLoader loader = ApiSurface.class.getClassLoader();
    for (String pkg : exported) {
      Path dir = classes.resolve(pkg.replace('.', '/'));
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.sorted().toList()) {
          String file = f.getFileName().toString();
          if (!file.endsWith(".class") || file.equals("package-info.class")) {
            continue;
          }
          String name = pkg + "." + file.substring(0, file.length() - ".class".length());
          Class<?> c;
          try {
            c = Class.forName(name, false, loader);
          } catch (LinkageError e) {
            fail(artifact + ": cannot load " + name + ": " + e);
            throw new AssertionError(e); // fail exits
          }
          if (isApi(c, exported)) {
            types.add(c);
          }
        }
      }
    }

    TreeMap<String, String> blocks = new TreeMap<>();
    for (Class<?> c : types) {
      try {
        blocks.put(c.getName(), block(c, exported));
      } catch (LinkageError | TypeNotPresentException e) {
        fail(
            artifact
                + ": cannot read the signatures of "
                + c.getName()
                + ": "
                + e
                + "\nA type it names is not on the module's compile class path.");
      }
    }
    StringBuilder out = new StringBuilder();
    out.append("# The public API of ")
        .append(artifact)
        .append(" (module ")
        .append(module.name())
        .append(", exports ")
        .append(String.join(", ", exported))
        .append("), written by tools/ApiSurface.java.\n")
        .append("# `./mvn21 -B verify` fails while the build's API differs from this file.")
        .append(" After a deliberate change:\n#     ")
        .append(UPDATE)
        .append("\n# and commit this file with the change. See docs/api-compatibility.md.\n");
    for (String b : blocks.values()) {
      out.append('\n').append(b);
    }
    return out.toString();
  }

  /** A public (or protected) type of an exported package, all of whose enclosing types are too. */
  static boolean isApi(Class<?> c, Set<String> exported) {
    if (c.isAnonymousClass() || c.isLocalClass() || c.isSynthetic()) {
      return false;
    }
    if (!exported.contains(c.getPackageName())) {
      return false;
    }
    for (Class<?> k = c; k != null; k = k.getDeclaringClass()) {
      int m = k.getModifiers();
      boolean visible =
          Modifier.isPublic(m) || (Modifier.isProtected(m) && k.getDeclaringClass() != null);
      if (!visible) {
        return false;
      }
    }
    return true;
  }

  /**
   * A type's line and its members' lines: enum constants first, in declaration order (their
   * ordinals are API), then constructors, fields and methods, each group by name.
   */
  static String block(Class<?> c, Set<String> exported) {
    StringBuilder b = new StringBuilder(header(c, exported)).append('\n');
    TreeMap<String, String> members = new TreeMap<>(); // sort key -> line
    Set<String> declared = new HashSet<>();
    int ordinal = 0;
    for (Field f : c.getDeclaredFields()) {
      if (f.isEnumConstant()) {
        members.put(String.format("0 %05d", ordinal++), field(f));
      } else if (visible(f)) {
        members.put("2 " + f.getName(), field(f));
      }
    }
    if (!c.isInterface() && !c.isEnum()) {
      for (Constructor<?> k : c.getDeclaredConstructors()) {
        if (visible(k)) {
          String line = executable(k, c);
          members.put("1 " + line, line);
        }
      }
    }
    for (Method m : c.getDeclaredMethods()) {
      declared.add(erasure(m));
      if (visible(m) && !m.isBridge()) {
        String line = executable(m, c);
        members.put("3 " + m.getName() + " " + line, line);
      }
    }
    // Public methods that a public class inherits from a superclass users cannot name.
    for (Class<?> s = c.getSuperclass(); s != null && !isApi(s, exported); s = s.getSuperclass()) {
      if (!exported.contains(s.getPackageName())) {
        break; // a JDK or library class: its API is documented where it lives
      }
      for (Method m : s.getDeclaredMethods()) {
        if (visible(m) && !m.isBridge() && declared.add(erasure(m))) {
          String line = executable(m, c) + "  (inherited from a non-API class)";
          members.put("3 " + m.getName() + " " + line, line);
        }
      }
    }
    members.values().forEach(m -> b.append("  ").append(m).append('\n'));
    return b.toString();
  }

  static boolean visible(Member m) {
    int mod = m.getModifiers();
    return !m.isSynthetic() && (Modifier.isPublic(mod) || Modifier.isProtected(mod));
  }

  static String erasure(Method m) {
    return m.getName() + Arrays.stream(m.getParameterTypes()).map(Class::getName).toList();
  }

  // ---- Types ----

  static String header(Class<?> c, Set<String> exported) {
    StringBuilder h = new StringBuilder(annotations(c));
    int m = c.getModifiers();
    h.append(Modifier.isPublic(m) ? "public " : "protected ");
    boolean nested = c.getDeclaringClass() != null;
    String kind;
    if (c.isAnnotation()) {
      kind = "@interface";
    } else if (c.isInterface()) {
      kind = "interface";
    } else if (c.isEnum()) {
      kind = "enum";
    } else if (c.isRecord()) {
      kind = "record";
    } else {
      kind = "class";
      if (nested && Modifier.isStatic(m)) {
        h.append("static ");
      }
      if (Modifier.isAbstract(m)) {
        h.append("abstract ");
      }
      if (Modifier.isFinal(m)) {
        h.append("final ");
      }
    }
    if (!c.isEnum() && c.isSealed()) {
      h.append("sealed ");
    } else if (!c.isEnum()
        && !c.isRecord()
        && !Modifier.isFinal(m)
        && supertypes(c).anyMatch(Class::isSealed)) {
      h.append("non-sealed ");
    }
    h.append(kind).append(' ').append(c.getCanonicalName()).append(typeParameters(c));
    if (c.isRecord()) {
      h.append(
          Arrays.stream(c.getRecordComponents())
              .map(ApiSurface::component)
              .collect(Collectors.joining(", ", "(", ")")));
    }

    // Supertypes: the first superclass users can name, and every interface users can name.
    List<String> interfaces = new ArrayList<>();
    Type superclass = c.getGenericSuperclass();
    for (Class<?> s = c; s != null && !c.isInterface(); s = s.getSuperclass()) {
      if (s != c && (isApi(s, exported) || !exported.contains(s.getPackageName()))) {
        break; // a superclass users can name: it lists its own interfaces
      }
      for (Type i : s.getGenericInterfaces()) {
        if (nameable(raw(i), exported)) {
          interfaces.add(type(i));
        }
      }
      superclass = s.getGenericSuperclass();
    }
    if (c.isInterface()) {
      for (Type i : c.getGenericInterfaces()) {
        if (nameable(raw(i), exported) && !(c.isAnnotation() && i == Annotation.class)) {
          interfaces.add(type(i));
        }
      }
    }
    if (superclass != null
        && superclass != Object.class
        && raw(superclass) != Enum.class
        && raw(superclass) != Record.class) {
      h.append(" extends ").append(type(superclass));
    }
    if (!interfaces.isEmpty()) {
      h.append(c.isInterface() ? " extends " : " implements ")
          .append(String.join(", ", interfaces.stream().distinct().toList()));
    }
    if (!c.isEnum() && c.isSealed()) {
      Class<?>[] permitted = c.getPermittedSubclasses();
      List<String> names =
          Arrays.stream(permitted)
              .filter(p -> isApi(p, exported))
              .map(Class::getCanonicalName)
              .sorted()
              .toList();
      h.append(" permits ")
          .append(names.isEmpty() ? "only non-API classes" : String.join(", ", names));
      if (!names.isEmpty() && names.size() < permitted.length) {
        h.append(" and non-API classes");
      }
    }
    return h.toString();
  }

  static Stream<Class<?>> supertypes(Class<?> c) {
    return Stream.concat(Stream.ofNullable(c.getSuperclass()), Arrays.stream(c.getInterfaces()));
  }

  /** A type a user can write: a JDK or library type, or an API type of this module. */
  static boolean nameable(Class<?> c, Set<String> exported) {
    if (exported.contains(c.getPackageName())) {
      return isApi(c, exported);
    }
    return Modifier.isPublic(c.getModifiers());
  }

  static String component(RecordComponent rc) {
    return annotations(rc) + type(rc.getGenericType()) + " " + rc.getName();
  }

  // ---- Members ----

  static String field(Field f) {
    if (f.isEnumConstant()) {
      return annotations(f) + "enum constant " + f.getName();
    }
    return annotations(f)
        + modifiers(f.getModifiers())
        + type(f.getGenericType())
        + " "
        + f.getName();
  }

  static String executable(Executable e, Class<?> owner) {
    StringBuilder s = new StringBuilder(annotations(e));
    int m = e.getModifiers();
    if (owner.isInterface() && e instanceof Method method) {
      s.append(Modifier.isPublic(m) ? "public " : "protected ");
      if (method.isDefault()) {
        s.append("default ");
      } else if (Modifier.isStatic(m)) {
        s.append("static ");
      }
    } else {
      s.append(modifiers(m));
    }
    String typeParameters = typeParameters(e);
    if (!typeParameters.isEmpty()) {
      s.append(typeParameters).append(' ');
    }
    if (e instanceof Method method) {
      s.append(type(method.getGenericReturnType())).append(' ').append(method.getName());
    } else {
      s.append(owner.getSimpleName());
    }
    Type[] params = e.getGenericParameterTypes();
    if (params.length != e.getParameterCount()) {
      params = e.getParameterTypes(); // an inner class's outer instance or an enum's synthetics
    }
    List<String> ps = new ArrayList<>();
    for (int i = 0; i < params.length; i++) {
      String p = type(params[i]);
      if (e.isVarArgs() && i == params.length - 1 && p.endsWith("[]")) {
        p = p.substring(0, p.length() - 2) + "...";
      }
      ps.add(p);
    }
    s.append('(').append(String.join(", ", ps)).append(')');
    Type[] thrown = e.getGenericExceptionTypes();
    if (thrown.length > 0) {
      s.append(" throws ")
          .append(
              Arrays.stream(thrown)
                  .map(ApiSurface::type)
                  .sorted()
                  .collect(Collectors.joining(", ")));
    }
    return s.toString();
  }

  /**
   * The modifiers that change what a caller or subclass may do: not synchronized, native, volatile
   * or transient (and a method's varargs and bridge bits share volatile's and transient's).
   */
  static String modifiers(int m) {
    StringBuilder s = new StringBuilder(Modifier.isPublic(m) ? "public " : "protected ");
    if (Modifier.isStatic(m)) {
      s.append("static ");
    }
    if (Modifier.isAbstract(m)) {
      s.append("abstract ");
    }
    if (Modifier.isFinal(m)) {
      s.append("final ");
    }
    return s.toString();
  }

  /** Runtime annotations whose type is {@code @Documented}: the ones javadoc shows as API. */
  static String annotations(AnnotatedElement e) {
    return Arrays.stream(e.getDeclaredAnnotations())
        .filter(a -> a.annotationType().isAnnotationPresent(Documented.class))
        .map(Annotation::toString)
        .sorted()
        .map(a -> a + " ")
        .collect(Collectors.joining());
  }

  static String typeParameters(java.lang.reflect.GenericDeclaration d) {
    TypeVariable<?>[] vars = d.getTypeParameters();
    if (vars.length == 0) {
      return "";
    }
    return Arrays.stream(vars)
        .map(v -> {
          List<String> bounds =
              Arrays.stream(v.getBounds())
                  .filter(t -> t != Object.class)
                  .map(ApiSurface::type)
                  .toList();
          return bounds.isEmpty()
              ? v.getName()
              : v.getName() + " extends " + String.join(" & ", bounds);
        })
        .collect(Collectors.joining(", ", "<", ">"));
  }

  /** A type as source would write it, fully qualified: {@code java.util.List<? super T>}. */
  static String type(Type t) {
    if (t instanceof Class<?> c) {
      return c.isArray() ? type(c.getComponentType()) + "[]" : c.getCanonicalName();
    }
    if (t instanceof ParameterizedType p) {
      Class<?> raw = (Class<?>) p.getRawType();
      String name =
          p.getOwnerType() instanceof ParameterizedType owner
              ? type(owner) + "." + raw.getSimpleName()
              : raw.getCanonicalName();
      return name
          + Arrays.stream(p.getActualTypeArguments())
              .map(ApiSurface::type)
              .collect(Collectors.joining(", ", "<", ">"));
    }
    if (t instanceof WildcardType w) {
      if (w.getLowerBounds().length > 0) {
        return "? super " + type(w.getLowerBounds()[0]);
      }
      Type upper = w.getUpperBounds()[0];
      return upper == Object.class ? "?" : "? extends " + type(upper);
    }
    if (t instanceof GenericArrayType g) {
      return type(g.getGenericComponentType()) + "[]";
    }
    if (t instanceof TypeVariable<?> v) {
      return v.getName();
    }
    throw new AssertionError("unknown kind of type: " + t);
  }

  static Class<?> raw(Type t) {
    if (t instanceof Class<?> c) {
      return c;
    }
    if (t instanceof ParameterizedType p) {
      return (Class<?>) p.getRawType();
    }
    throw new AssertionError("not a class type: " + t);
  }

  // ---- The difference, for the failure message ----

  /** A line diff (longest common subsequence), each change shown under the type it belongs to. */
  static String diff(String expected, String actual) {
    List<String> a = body(expected);
    List<String> b = body(actual);
    int[][] lcs = new int[a.size() + 1][b.size() + 1];
    for (int i = a.size() - 1; i >= 0; i--) {
      for (int j = b.size() - 1; j >= 0; j--) {
        lcs[i][j] =
            a.get(i).equals(b.get(j))
                ? lcs[i + 1][j + 1] + 1
                : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    StringBuilder out = new StringBuilder();
    String header = null;
    String shown = null;
    int i = 0;
    int j = 0;
    while (i < a.size() || j < b.size()) {
      String line;
      char sign;
      if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
        line = a.get(i);
        sign = ' ';
        i++;
        j++;
      } else if (j < b.size() && (i == a.size() || lcs[i][j + 1] >= lcs[i + 1][j])) {
        line = b.get(j++);
        sign = '+';
      } else {
        line = a.get(i++);
        sign = '-';
      }
      boolean isHeader = !line.startsWith(" ");
      if (isHeader) {
        header = line;
      }
      if (sign == ' ') {
        continue;
      }
      if (!isHeader && header != null && !header.equals(shown)) {
        out.append("    in ").append(header).append('\n');
        shown = header;
      }
      out.append("  ").append(sign).append(' ').append(line).append('\n');
      if (isHeader) {
        shown = header;
      }
    }
    return out.toString();
  }

  static List<String> body(String dump) {
    return dump.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
  }
}
