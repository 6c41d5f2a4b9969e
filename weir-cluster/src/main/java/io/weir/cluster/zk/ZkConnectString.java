package io.weir.cluster.zk;

/**
 * A ZooKeeper connect string split into its hosts and optional chroot:
 * {@code host1:2181,host2:2181/weir} has chroot {@code /weir}. Immutable.
 */
record ZkConnectString(String original, String hosts, String chroot) {

    static ZkConnectString parse(String connectString) {
        String s = connectString.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty ZooKeeper connect string");
        }
        int slash = s.indexOf('/');
        if (slash < 0) {
            return new ZkConnectString(s, s, "");
        }
        String chroot = s.substring(slash);
        while (chroot.length() > 1 && chroot.endsWith("/")) {
            chroot = chroot.substring(0, chroot.length() - 1);
        }
        return new ZkConnectString(s, s.substring(0, slash), chroot.equals("/") ? "" : chroot);
    }

    /** The chroot as a Curator namespace (no leading slash), or null without a chroot. */
    String namespace() {
        return chroot.isEmpty() ? null : chroot.substring(1);
    }
}
