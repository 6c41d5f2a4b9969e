package io.weir.storage;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** A test of one {@link Log} in a temporary directory, opened with config overrides and closed after each test. */
abstract class LogTestCase {

    @TempDir
    Path tmp;

    LogTestSupport t;

    Log open(Map<String, ?> overrides) {
        t = new LogTestSupport(tmp, overrides);
        return t.open();
    }

    @AfterEach
    void closeLog() throws Exception {
        if (t != null) {
            LogTestSupport.close(t.log);
        }
    }
}
