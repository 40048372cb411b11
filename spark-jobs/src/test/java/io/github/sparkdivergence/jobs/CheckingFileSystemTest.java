package io.github.sparkdivergence.jobs;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checks before the session see local paths exactly as Hadoop's cached file system does. */
class CheckingFileSystemTest {
  @TempDir Path tmp;

  @Test
  void localPathsGetTheSameAnswersWithoutTheCache() throws Exception {
    Configuration conf = new Configuration();
    Files.writeString(tmp.resolve("a.csv"), "x\n1\n");
    for (String location : new String[] {tmp.resolve("a.csv").toString(), "file://" + tmp.resolve("a.csv"),
        tmp + "/./sub/../a.csv", "relative/dir/", tmp + "/*.csv"}) {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(location);
      FileSystem checking = Places.checkingFileSystem(p, conf);
      FileSystem cached = p.getFileSystem(conf);
      assertInstanceOf(LocalFileSystem.class, checking, location);
      assertNotSame(cached, checking, location + ": not the cached instance");
      assertEquals(cached.makeQualified(p), checking.makeQualified(p), location);
      assertEquals(cached.globStatus(p) == null ? 0 : cached.globStatus(p).length,
          checking.globStatus(p) == null ? 0 : checking.globStatus(p).length, location);
      assertEquals(cached.exists(p), checking.exists(p), location);
    }
  }

  @Test
  void otherSchemesGoThroughHadoop() throws Exception {
    Configuration conf = new Configuration();
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path("file:///tmp");
    assertSame(p.getFileSystem(conf).getClass(), Places.checkingFileSystem(p, conf).getClass());
    // a schemeless path follows fs.defaultFS: not local there, so Hadoop resolves it (and fails for
    // an unknown scheme exactly as before)
    conf.set("fs.defaultFS", "nosuchfs://cluster/");
    org.apache.hadoop.fs.Path schemeless = new org.apache.hadoop.fs.Path("/data/x");
    Exception viaHadoop = assertThrows(Exception.class, () -> schemeless.getFileSystem(conf));
    Exception viaCheck = assertThrows(Exception.class, () -> Places.checkingFileSystem(schemeless, conf));
    assertEquals(viaHadoop.getClass(), viaCheck.getClass());
  }
}
