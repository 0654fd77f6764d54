package dev.cirrus.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

// An Image names content by checksum: changing what it points to would silently change the disks
// of VMs created later from "the same" Image, so the whole spec is frozen.
@ValidationRule(value = "self == oldSelf", message = "Image spec is immutable: create a new Image for new content")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ImageSpec {
    @Required
    @Size(max = 2048)
    @ValidationRule(value = "self.startsWith('http://') || self.startsWith('https://')",
            message = "url must use the http or https scheme")
    @ValidationRule(value = "isURL(self) && url(self).getHostname() != ''", message = "url must be a valid absolute URL with a host")
    @JsonPropertyDescription("Where the artifact is downloaded from (http or https).")
    public String url;

    @Required
    @Size(max = 71)
    @ValidationRule(value = "self.matches('^sha256:[0-9a-f]{64}$')",
            message = "checksum must be 'sha256:' followed by 64 lowercase hex digits")
    @JsonPropertyDescription("Expected SHA-256 of the artifact, as sha256:<64 hex digits>.")
    public String checksum;

    @Default("qcow2")
    @JsonPropertyDescription("qcow2 or raw for disks; kernel or initrd for direct kernel boot.")
    public ImageFormat format;
}
