package dev.cirrus.node.compute;

import java.io.IOException;
import java.nio.file.Path;

/** Makes an ISO 9660 image (Joliet + Rock Ridge) of a directory. An interface so that tests need no xorriso. */
public interface IsoTool {
    /**
     * @param sourceDir the directory whose files become the image's root
     * @param volumeId  the volume label; cloud-init's NoCloud looks for "cidata"
     * @param iso       the image to write (the caller moves it into place)
     * @throws IOException when the tool fails, with its output in the message
     */
    void createIso(Path sourceDir, String volumeId, Path iso) throws IOException;
}
