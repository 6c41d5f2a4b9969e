package io.weir.cli.client;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;

/**
 * Topic existence checks with a helpful answer: an unknown name is reported with the closest
 * existing one by edit distance, when it is close enough to be a typo. Stateless.
 */
public final class TopicNames {

    private TopicNames() {
    }

    /** Every topic name, internal ones included. */
    public static Set<String> all(Admin admin) throws ExecutionException, InterruptedException {
        return admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get();
    }

    /** Throws the user error for the first of {@code topics} that does not exist. */
    public static void requireExist(Admin admin, Collection<String> topics)
        throws ExecutionException, InterruptedException {
        Set<String> existing = all(admin);
        for (String topic : topics) {
            if (!existing.contains(topic)) {
                throw unknown(topic, existing);
            }
        }
    }

    /**
     * The partition count of an existing topic, after checking that {@code partition} (when
     * given) is one of them; an unknown topic or partition is a user error.
     */
    public static int partitionCount(Admin admin, String topic, Optional<Integer> partition)
        throws ExecutionException, InterruptedException {
        requireExist(admin, List.of(topic));
        int count = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
        if (partition.isPresent() && (partition.get() < 0 || partition.get() >= count)) {
            throw CliException.user("topic \"" + topic + "\" has partitions 0 to " + (count - 1)
                + "; there is no partition " + partition.get());
        }
        return count;
    }

    /** {@code topic "orders" does not exist; did you mean "order"?} (exit 1). */
    public static CliException unknown(String topic, Collection<String> existing) {
        String suggestion = closest(topic, existing).map(s -> "; did you mean \"" + s + "\"?").orElse("");
        return CliException.user("topic \"" + topic + "\" does not exist" + suggestion);
    }

    /** The existing name nearest to {@code topic}, if it is within a typo's distance. */
    public static Optional<String> closest(String topic, Collection<String> names) {
        int allowed = Math.max(2, topic.length() / 3);
        return names.stream()
            .filter(name -> !name.equals(topic))
            .min(Comparator.comparingInt((String name) -> editDistance(topic, name)).thenComparing(name -> name))
            .filter(name -> editDistance(topic.toLowerCase(), name.toLowerCase()) <= allowed);
    }

    /** Levenshtein distance: insertions, deletions and substitutions. */
    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
