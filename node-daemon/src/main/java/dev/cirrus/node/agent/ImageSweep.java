package dev.cirrus.node.agent;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Garbage collection of the node's image cache: an artifact (or a partial download) that no VM on
 * the node uses goes once it has stayed unused for the whole grace period. "Uses" is what each VM
 * recorded when its domain was built (its kernel, initrd, or the base of its disk overlay), so a
 * base image stays while any overlay on it exists, even if its Image object was deleted. Pure.
 */
final class ImageSweep {
    private ImageSweep() {
    }

    /**
     * @param files     cache files to delete now
     * @param firstSeen when each unused file was first seen unused: pass it to the next sweep
     */
    record Plan(List<String> files, Map<String, Instant> firstSeen) {
    }

    /**
     * @param cached    file names in the cache directory (artifacts and partial downloads)
     * @param inUse     file names some VM directory on this node records as used
     * @param fetching  file names (artifacts or their partial downloads) a download is writing now
     */
    static Plan plan(Collection<String> cached, Set<String> inUse, Set<String> fetching, Map<String, Instant> firstSeen,
                     Instant now, Duration grace) {
        Map<String, Instant> seen = new HashMap<>();
        List<String> due = new ArrayList<>();
        for (String file : cached) {
            if (inUse.contains(artifact(file)) || fetching.contains(artifact(file))) {
                continue;
            }
            Instant since = firstSeen.getOrDefault(file, now);
            if (!since.plus(grace).isAfter(now)) {
                due.add(file);
            } else {
                seen.put(file, since);
            }
        }
        return new Plan(List.copyOf(due), Map.copyOf(seen));
    }

    /** A partial download belongs to the artifact it becomes. */
    private static String artifact(String file) {
        return file.endsWith(".partial") ? file.substring(0, file.length() - ".partial".length()) : file;
    }
}
