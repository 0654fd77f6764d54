package dev.cirrus.node.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class Sha256DigestTest {
    private static final String HEX = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @Test
    void acceptsThePrefixedAndTheBareFormInAnyCase() {
        assertThat(Sha256Digest.parse("sha256:" + HEX).hex()).isEqualTo(HEX);
        assertThat(Sha256Digest.parse(HEX.toUpperCase()).hex()).isEqualTo(HEX);
        assertThat(Sha256Digest.parse(" SHA256:" + HEX + "\n")).hasToString("sha256:" + HEX);
    }

    @Test
    void refusesAnythingElse() {
        assertThatThrownBy(() -> Sha256Digest.parse("sha512:" + HEX)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Sha256Digest.parse(HEX.substring(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Sha256Digest.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void digestsTheEmptyInputToTheWellKnownValue() {
        assertThat(Sha256Digest.of(Sha256Digest.newDigest()).hex()).isEqualTo(HEX);
    }
}
