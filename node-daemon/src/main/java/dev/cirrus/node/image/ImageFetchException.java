package dev.cirrus.node.image;

/**
 * A download that did not produce a verified file. The message is written for the Image's owner
 * (it ends up in a condition); the reason is meant as that condition's reason.
 */
public final class ImageFetchException extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Reason {
        /** Not an absolute http(s) URL with a host. */
        InvalidUrl,
        /** The host resolves to a loopback, link-local, unspecified or cloud metadata address. */
        ForbiddenAddress,
        /** The server answered with a status that retrying will not change (404, 403, ...). */
        HttpError,
        TooManyRedirects,
        /** The artifact is larger than the node accepts. */
        TooLarge,
        /** The bytes do not have the checksum the Image names. */
        ChecksumMismatch,
        /** Transient failures (network, 5xx) outlasted every retry. */
        DownloadFailed,
        /** The node's own disk failed (full, unwritable). */
        CacheError,
        /** The file is not what the Image says it is (see {@link ImageInspector}). */
        InvalidFormat
    }

    private final Reason reason;

    public ImageFetchException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ImageFetchException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
