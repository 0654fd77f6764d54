package dev.cirrus.node.compute;

import java.lang.reflect.Field;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.PointerType;
import com.sun.jna.ptr.IntByReference;

import org.libvirt.Domain;

/**
 * {@code virDomainGetState}, which libvirt-java 0.5.2 does not bind: its {@code Domain.getInfo()} gives
 * the state without the reason, and the reason is what tells a clean power-off from a crash.
 * Reaches the native domain pointer through libvirt-java's package-private {@code vdp} field.
 */
final class DomainGetState {
    interface Virt extends Library {
        int virDomainGetState(Pointer domain, IntByReference state, IntByReference reason, int flags);
    }

    private static final Virt VIRT = Native.load("virt", Virt.class);
    private static final Field VDP;

    static {
        try {
            VDP = Domain.class.getDeclaredField("vdp");
            VDP.setAccessible(true);
        } catch (NoSuchFieldException e) {
            throw new ExceptionInInitializerError("libvirt-java has no Domain.vdp field: not version 0.5.2? " + e);
        }
    }

    private DomainGetState() {
    }

    /** The raw (state, reason); the caller maps it with {@link DomainStateMapping}. */
    static int[] of(Domain domain) {
        Pointer pointer;
        try {
            pointer = ((PointerType) VDP.get(domain)).getPointer();
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
        IntByReference state = new IntByReference();
        IntByReference reason = new IntByReference();
        if (VIRT.virDomainGetState(pointer, state, reason, 0) < 0) {
            throw new LibvirtFailure("virDomainGetState failed", null);
        }
        return new int[] {state.getValue(), reason.getValue()};
    }
}
