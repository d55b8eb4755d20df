# Sourced by the bench scripts: hello_jar DIR builds DIR/hello.jar (once), a one-class jar that prints a line:
# the floor of any `java -jar` on this machine, to time next to the command measured.
hello_jar() {
  local work=$1
  if [ ! -f "$work/hello.jar" ]; then
    mkdir -p "$work/hello"
    printf 'public class Hello { public static void main(String[] a) { System.out.println("hello"); } }\n' > "$work/hello/Hello.java"
    javac -d "$work/hello" "$work/hello/Hello.java"
    printf 'Main-Class: Hello\n' > "$work/hello/manifest.txt"
    jar cfm "$work/hello.jar" "$work/hello/manifest.txt" -C "$work/hello" Hello.class
  fi
}
