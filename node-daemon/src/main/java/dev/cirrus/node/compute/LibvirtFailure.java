package dev.cirrus.node.compute;

/** A libvirt call that failed; wraps libvirt-java's checked exception so its types stay out of our API. */
public final class LibvirtFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LibvirtFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
