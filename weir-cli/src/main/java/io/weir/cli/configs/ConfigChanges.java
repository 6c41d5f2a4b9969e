package io.weir.cli.configs;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;

import io.weir.cli.KeyValue;
import io.weir.cli.client.Report;

/** Sets and deletes configs of one resource in one IncrementalAlterConfigs request. Stateless. */
public final class ConfigChanges {

    private ConfigChanges() {
    }

    public static Changed apply(Admin admin, ConfigResource resource, List<KeyValue> set, List<String> delete)
        throws ExecutionException, InterruptedException {
        SortedMap<String, String> setMap = new TreeMap<>();
        set.forEach(kv -> setMap.put(kv.key(), kv.value()));
        List<AlterConfigOp> ops = new ArrayList<>();
        setMap.forEach((k, v) -> ops.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET)));
        delete.forEach(k -> ops.add(new AlterConfigOp(new ConfigEntry(k, null), AlterConfigOp.OpType.DELETE)));
        admin.incrementalAlterConfigs(Map.of(resource, ops)).all().get();
        return new Changed(resource.type().name().toLowerCase(Locale.ROOT), resource.name(), setMap, List.copyOf(delete));
    }

    /** json: {@code {"type": "topic"|"broker", "name", "set": {KEY: VALUE}, "deleted": [KEY...]}}. */
    public record Changed(String type, String name, SortedMap<String, String> set, List<String> deleted)
        implements Report {
        @Override
        public void printTable(PrintWriter out) {
            set.forEach((k, v) -> out.println("Set " + k + "=" + v + " on " + type + " \"" + name + "\"."));
            deleted.forEach(k -> out.println("Deleted " + k + " from " + type + " \"" + name + "\"."));
        }
    }
}
