package io.wsgate.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.wsgate.workspace.WorkspaceId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * With real users (the suite runs as root, so the agent really switches): two workspaces' agents on one data root,
 * as on one EFS access point. Each directory belongs to its workspace's own uid, mode 0700; each IDE runs as that
 * uid with no capabilities and {@code no_new_privs}; and a process of workspace A's user can neither list, read,
 * write, rename nor delete anything of workspace B's, whose files stay intact. Without the user switch (every IDE
 * as the agent's root) every one of these attempts would succeed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AgentIsolationTest {

  @TempDir
  Path tmp;
  Path root;
  final Vertx vertx = Vertx.vertx();
  final HttpClient client = vertx.createHttpClient();
  UserSwitch users;
  final List<AgentHarness.Running> agents = new java.util.ArrayList<>();

  @BeforeEach
  void root() throws Exception {
    users = UserSwitch.detect();
    assumeTrue(users.available(), "needs root and setpriv: " + users.reason());
    // the data root is traversable by all (like the EFS access point's root, 0711); @TempDir makes it 0700
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx--x--x"));
    root = Files.createDirectory(tmp.resolve("efs"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
  }

  @AfterEach
  void stop() throws Exception {
    for (AgentHarness.Running a : agents) {
      a.agent().stopIde();
    }
    vertx.close().await();
  }

  private AgentHarness.Running cold(String id, String seed, String... more) throws Exception {
    int port = AgentHarness.freePort();
    // the IDE writes the workspace's first file itself, as the workspace's user, then serves
    String command = "sh -c \"echo " + seed + " > secret.txt && mkdir -p project && echo code > project/main.py"
        + " && exec /usr/bin/python3 -m http.server {port} --bind {host}\"";
    Map<String, String> env = AgentHarness.env(port, "WSGATE_AGENT_COMMAND", command,
        "WSGATE_WORKSPACE_ID", id, "WSGATE_DATA_DIR", root.resolve(id).toString(), "WSGATE_AGENT_ISOLATION", "required");
    for (int i = 0; i < more.length; i += 2) {
      env.put(more[i], more[i + 1]);
    }
    var running = AgentHarness.start(vertx, env, users);
    agents.add(running);
    return running;
  }

  @Test
  void oneWorkspacesUserCannotTouchAnothersFiles() throws Exception {
    var alice = cold("alice", "alice-secret");
    var bob = cold("bob", "bob-secret");
    long aliceUid = WorkspaceUser.claim(root, new WorkspaceId("alice"));
    long bobUid = WorkspaceUser.claim(root, new WorkspaceId("bob"));
    assertThat(aliceUid).isNotEqualTo(bobUid).isBetween(WorkspaceUser.FIRST, WorkspaceUser.LIMIT - 1);
    Path bobDir = root.resolve("bob");
    assertThat(WorkspaceDirs.ownerOf(bobDir)).isEqualTo(bobUid);
    assertThat(WorkspaceDirs.groupOf(bobDir)).isEqualTo(bobUid);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(bobDir))).isEqualTo("rwx------");
    assertThat(WorkspaceDirs.ownerOf(bobDir.resolve("secret.txt"))).isEqualTo(bobUid);

    Map<String, String> ide = status(alice.agent().idePid());
    assertThat(ide.get("Uid").split("\\s+")).containsOnly(Long.toString(aliceUid));
    assertThat(ide.get("Gid").split("\\s+")).containsOnly(Long.toString(aliceUid));
    assertThat(ide.get("Groups")).isBlank();
    assertThat(ide.get("NoNewPrivs")).isEqualTo("1");
    assertThat(ide.get("CapEff")).matches("0+");
    assertThat(ide.get("CapPrm")).matches("0+");

    // each attempt runs as alice's user, the way her terminal would; each must fail
    List<String> attempts = List.of(
        "ls " + bobDir,
        "cat " + bobDir.resolve("secret.txt"),
        "cat " + bobDir.resolve("project/main.py"),
        "echo evil > " + bobDir.resolve("secret.txt"),
        "echo evil > " + bobDir.resolve("new.txt"),
        "rm -f " + bobDir.resolve("secret.txt"),
        "rm -rf " + bobDir,
        "mv " + bobDir + " " + root.resolve("alice/stolen"),
        "chmod 777 " + bobDir,
        "ls " + root,
        "cat " + root.resolve(WorkspaceUser.REGISTRY + "/" + bobUid));
    for (String attempt : attempts) {
      Process p = new ProcessBuilder(users.wrap(aliceUid, List.of("sh", "-c", attempt)))
          .directory(root.resolve("alice").toFile()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      assertThat(p.waitFor()).as(attempt + " -> " + out).isNotZero();
      assertThat(out).as(attempt).doesNotContain("bob-secret").doesNotContain("code\n");
    }
    // and what works for alice is her own directory
    Process own = new ProcessBuilder(users.wrap(aliceUid, List.of("sh", "-c", "cat secret.txt && echo more > mine.txt")))
        .directory(root.resolve("alice").toFile()).redirectErrorStream(true).start();
    assertThat(new String(own.getInputStream().readAllBytes())).contains("alice-secret");
    assertThat(own.waitFor()).isZero();

    assertThat(Files.readString(bobDir.resolve("secret.txt"))).isEqualTo("bob-secret\n");
    assertThat(Files.readString(bobDir.resolve("project/main.py"))).isEqualTo("code\n");
    try (var names = Files.list(bobDir)) {
      assertThat(names.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("secret.txt", "project");
    }
    assertThat(AgentHarness.get(client, bob.port(), "/").await().status()).isEqualTo(200);
  }

  /**
   * The workspace's user has no passwd entry, so the IDE cannot look up a login shell: code-server's terminals open
   * whatever SHELL says, else a bare sh without VS Code's shell integration (an IDE stage run on a machine whose
   * environment had no SHELL failed that way). The agent sets it, and HOME, whatever its own environment holds.
   */
  @Test
  void theIdeGetsTheConfiguredShellAndItsOwnHome() throws Exception {
    Path shell = Files.writeString(tmp.resolve("student-shell"), "#!/bin/sh\nexec /bin/sh \"$@\"\n");
    Files.setPosixFilePermissions(shell, PosixFilePermissions.fromString("rwxr-xr-x"));
    var heidi = cold("heidi", "h", "WSGATE_AGENT_SHELL", shell.toString());

    Map<String, String> env = environ(heidi.agent().idePid());
    assertThat(env).containsEntry("SHELL", shell.toString()).containsEntry("HOME", root.resolve("heidi").toString())
        .containsEntry("USER", "heidi");
  }

  @Test
  void aWorkspaceKeepsItsUidAcrossLaunchesAndALegacyTreeIsHandedOver() throws Exception {
    Path legacy = Files.createDirectories(root.resolve("frank/project"));
    Files.writeString(legacy.resolve("old.py"), "print(1)");
    Files.createSymbolicLink(legacy.resolve("link"), Path.of("/etc/passwd"));
    long uid = WorkspaceUser.claim(root, new WorkspaceId("frank"));

    var first = cold("frank", "one");
    first.agent().stopIde();
    assertThat(WorkspaceDirs.ownerOf(legacy.resolve("old.py"))).isEqualTo(uid);
    assertThat(WorkspaceDirs.ownerOf(legacy.resolve("link"))).isEqualTo(uid);
    assertThat(WorkspaceDirs.ownerOf(Path.of("/etc/passwd"))).isZero();
    var second = cold("frank", "two");
    assertThat(status(second.agent().idePid()).get("Uid").split("\\s+")).containsOnly(Long.toString(uid));
    assertThat(WorkspaceUser.claim(root, new WorkspaceId("frank"))).isEqualTo(uid);
  }

  @Test
  void aCollidingCandidateGoesToTheNextAndStaysWithItsFirstOwner() throws Exception {
    WorkspaceId grace = new WorkspaceId("grace");
    long taken = WorkspaceUser.candidate(grace, 0);
    // another workspace already holds grace's first candidate
    Files.createDirectories(root.resolve(WorkspaceUser.REGISTRY));
    Files.writeString(root.resolve(WorkspaceUser.REGISTRY).resolve(Long.toString(taken)), "someone-else");

    long uid = WorkspaceUser.claim(root, grace);

    assertThat(uid).isEqualTo(WorkspaceUser.candidate(grace, 1)).isNotEqualTo(taken);
    assertThat(WorkspaceUser.claim(root, grace)).isEqualTo(uid);
    assertThat(Files.readString(root.resolve(WorkspaceUser.REGISTRY).resolve(Long.toString(taken))))
        .isEqualTo("someone-else");
  }

  private static Map<String, String> environ(long pid) throws Exception {
    Map<String, String> out = new HashMap<>();
    for (String entry : Files.readString(Path.of("/proc/" + pid + "/environ")).split("\0")) {
      int eq = entry.indexOf('=');
      if (eq > 0) {
        out.put(entry.substring(0, eq), entry.substring(eq + 1));
      }
    }
    return out;
  }

  private static Map<String, String> status(long pid) throws Exception {
    Map<String, String> out = new HashMap<>();
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        out.put(line.substring(0, colon), line.substring(colon + 1).trim());
      }
    }
    return out;
  }
}
