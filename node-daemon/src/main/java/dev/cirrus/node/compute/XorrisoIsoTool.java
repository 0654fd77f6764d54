package dev.cirrus.node.compute;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.cirrus.node.host.Command;
import dev.cirrus.node.host.HostCommandException;
import dev.cirrus.node.host.HostCommands;

/** {@link IsoTool} through {@code xorriso -as mkisofs}, run like every host command through {@link HostCommands}. */
public final class XorrisoIsoTool implements IsoTool {
    private final HostCommands host;
    private final Duration timeout;

    public XorrisoIsoTool(HostCommands host, Duration timeout) {
        this.host = host;
        this.timeout = timeout;
    }

    /** The command, as an argument list: paths go to xorriso as they are, never through a shell. */
    static List<String> argv(Path sourceDir, String volumeId, Path iso) {
        return List.of("xorriso", "-as", "mkisofs", "-V", volumeId, "-J", "-R", "-o", iso.toString(), sourceDir.toString());
    }

    @Override
    public void createIso(Path sourceDir, String volumeId, Path iso) throws IOException {
        try {
            host.run(Command.of(argv(sourceDir, volumeId, iso)).withTimeout(timeout));
        } catch (HostCommandException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
