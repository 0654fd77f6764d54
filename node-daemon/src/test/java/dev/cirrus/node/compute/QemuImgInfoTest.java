package dev.cirrus.node.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Parsing of {@code qemu-img info --output=json} (samples from qemu-img 7.2 on Debian 12). */
class QemuImgInfoTest {
    @Test
    void readsFormatSizeAndTheResolvedBackingFile() {
        String json = """
                {"virtual-size": 67108864, "filename": "/d/root.qcow2", "cluster-size": 65536, "format": "qcow2",
                 "actual-size": 200704, "full-backing-filename": "/images/base.qcow2", "backing-filename": "base.qcow2",
                 "backing-filename-format": "qcow2", "dirty-flag": false}
                """;
        assertThat(QemuImgInfo.parse(json)).isEqualTo(new QemuImgInfo("qcow2", 67108864, Optional.of("/images/base.qcow2")));
    }

    @Test
    void noBackingFileIsEmpty() {
        assertThat(QemuImgInfo.parse("{\"virtual-size\": 1048576, \"format\": \"raw\", \"actual-size\": 4096}").backingFile())
                .isEmpty();
    }

    @Test
    void outputWithoutFormatOrNotJsonIsRefused() {
        assertThatThrownBy(() -> QemuImgInfo.parse("{\"virtual-size\": 1}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> QemuImgInfo.parse("qemu-img: error")).isInstanceOf(IllegalArgumentException.class);
    }
}
