package dev.cirrus.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What an Image artifact is: a disk (qcow2, raw) or a kernel/initrd for direct kernel boot. */
public enum ImageFormat {
    @JsonProperty("qcow2") QCOW2,
    @JsonProperty("raw") RAW,
    @JsonProperty("kernel") KERNEL,
    @JsonProperty("initrd") INITRD
}
