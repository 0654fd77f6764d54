package dev.cirrus.operator.vm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.cirrus.api.v1alpha1.Image;
import dev.cirrus.api.v1alpha1.ImageFormat;
import dev.cirrus.api.v1alpha1.OverlayNetwork;
import dev.cirrus.api.v1alpha1.VirtualMachineSpec;
import dev.cirrus.operator.status.Verdict;

/**
 * Checks that what a VM refers to exists and fits: networks, images of the right format, the
 * user-data Secret. Pure: callers pass what they looked up (by name, in the VM's namespace).
 */
public final class VmReferences {
    private VmReferences() {
    }

    public static Verdict check(VirtualMachineSpec spec, Map<String, OverlayNetwork> networks, Map<String, Image> images,
            Set<String> secrets) {
        List<String> problems = new ArrayList<>();
        if (spec.interfaces != null) {
            spec.interfaces.stream().map(i -> i.network).distinct()
                    .filter(n -> !networks.containsKey(n))
                    .forEach(n -> problems.add("network " + n + " not found"));
        }
        if (spec.rootDisk != null) {
            expectImage(images, spec.rootDisk.image, Set.of(ImageFormat.QCOW2, ImageFormat.RAW), "rootDisk").ifPresent(problems::add);
        }
        if (spec.kernelBoot != null) {
            expectImage(images, spec.kernelBoot.kernel, Set.of(ImageFormat.KERNEL), "kernelBoot.kernel").ifPresent(problems::add);
            if (spec.kernelBoot.initrd != null) {
                expectImage(images, spec.kernelBoot.initrd, Set.of(ImageFormat.INITRD), "kernelBoot.initrd").ifPresent(problems::add);
            }
        }
        if (spec.cloudInit != null && spec.cloudInit.userDataSecretRef != null
                && !secrets.contains(spec.cloudInit.userDataSecretRef.name)) {
            problems.add("secret " + spec.cloudInit.userDataSecretRef.name + " not found");
        }
        return problems.isEmpty() ? Verdict.ok("ReferencesResolved", "networks, images and secrets found")
                : Verdict.fail("InvalidReference", String.join("; ", problems));
    }

    private static Optional<String> expectImage(Map<String, Image> images, String name, Set<ImageFormat> formats, String field) {
        Image image = images.get(name);
        if (image == null) {
            return Optional.of(field + ": image " + name + " not found");
        }
        ImageFormat format = image.getSpec().format == null ? ImageFormat.QCOW2 : image.getSpec().format;
        if (!formats.contains(format)) {
            return Optional.of(field + ": image " + name + " has format " + format.name().toLowerCase()
                    + ", expected " + formats.stream().map(f -> f.name().toLowerCase()).sorted().toList());
        }
        return Optional.empty();
    }

    /** Names of networks a VM uses. */
    public static Set<String> networkNames(VirtualMachineSpec spec) {
        return spec.interfaces == null ? Set.of()
                : spec.interfaces.stream().map(i -> i.network).collect(java.util.stream.Collectors.toSet());
    }

    /** Names of images a VM uses. */
    public static Set<String> imageNames(VirtualMachineSpec spec) {
        Set<String> names = new java.util.HashSet<>();
        if (spec.rootDisk != null) {
            names.add(spec.rootDisk.image);
        }
        if (spec.kernelBoot != null) {
            names.add(spec.kernelBoot.kernel);
            if (spec.kernelBoot.initrd != null) {
                names.add(spec.kernelBoot.initrd);
            }
        }
        return names;
    }
}
