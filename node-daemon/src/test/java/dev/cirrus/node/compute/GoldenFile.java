package dev.cirrus.node.compute;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.opentest4j.AssertionFailedError;

/**
 * Compares a rendering with a file under src/test/resources/golden. Files are read from the source
 * tree, not the class path, so {@code -Dgolden.update=true} rewrites the files you commit:
 * <pre>
 * mvn -B -q -pl node-daemon -am test -Dtest='dev.cirrus.node.compute.**' \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dgolden.update=true
 * git diff node-daemon/src/test/resources/golden
 * </pre>
 */
public final class GoldenFile {
    static final String UPDATE_PROPERTY = "golden.update";
    private static final int MAX_REPORTED_LINES = 12;

    private GoldenFile() {
    }

    public static void assertMatches(String name, String actual) {
        Path file = directory().resolve(name);
        if (Boolean.getBoolean(UPDATE_PROPERTY)) {
            write(file, actual);
            return;
        }
        if (!Files.exists(file)) {
            throw new AssertionFailedError("golden file " + file + " does not exist; create it with -D"
                    + UPDATE_PROPERTY + "=true and review it before committing");
        }
        String expected = read(file);
        if (!expected.equals(actual)) {
            throw new AssertionFailedError(describe(file, expected, actual), expected, actual);
        }
    }

    private static Path directory() {
        // Surefire runs tests with the module as working directory and sets basedir to it.
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
                .resolve("src/test/resources/golden");
    }

    private static String describe(Path file, String expected, String actual) {
        List<String> want = expected.lines().toList();
        List<String> got = actual.lines().toList();
        StringBuilder message = new StringBuilder("rendering differs from golden file ").append(file)
                .append(" (").append(want.size()).append(" lines expected, ").append(got.size()).append(" rendered):\n");
        int reported = 0;
        for (int i = 0; i < Math.max(want.size(), got.size()) && reported < MAX_REPORTED_LINES; i++) {
            String w = i < want.size() ? want.get(i) : "<no line>";
            String g = i < got.size() ? got.get(i) : "<no line>";
            if (!w.equals(g)) {
                message.append(String.format("  line %d%n    golden:   %s%n    rendered: %s%n", i + 1, w, g));
                reported++;
            }
        }
        if (reported == 0) {
            message.append("  only line endings or the final newline differ\n");
        }
        return message.append("If the change is intended, rerun with -D").append(UPDATE_PROPERTY)
                .append("=true and review `git diff` of the golden files.").toString();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
