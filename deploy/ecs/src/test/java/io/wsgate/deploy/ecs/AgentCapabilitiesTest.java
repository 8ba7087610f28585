package io.wsgate.deploy.ecs;

import io.wsgate.agent.UserSwitch;
import io.wsgate.agent.WorkspaceUser;
import io.wsgate.workspace.WorkspaceId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The capabilities the workspace task definitions leave their container are what the workspace agent needs, each of
 * them: the real agent, started as root with exactly the template's set as its bounding set (what Docker and Fargate
 * give a root process in a container), hands a workspace directory made before it over to the workspace's uid,
 * starts a real IDE process as that uid and stops it on SIGTERM; with any one of the six missing it cannot. Needs
 * root and util-linux {@code setpriv}, as the agent's own isolation test does (the suite runs as root).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AgentCapabilitiesTest {

  /** Linux's numbers of the agent's capabilities, to read them in {@code /proc/<pid>/status}. */
  private static final Map<String, Integer> NUMBERS = Map.of("CHOWN", 0, "DAC_OVERRIDE", 1, "FOWNER", 3, "KILL", 5,
      "SETGID", 6, "SETUID", 7);
  private static final Pattern READY = Pattern.compile("agent: workspace alice ready in .* IDE pid (\\d+)");
  /** Bounds of waits for what must happen; a slow machine only takes longer to get there. */
  private static final long BOUND_SECONDS = 90;
  private static final String PYTHON = "/usr/bin/python3";

  @TempDir
  Path tmp;
  Path root;
  final List<ProcessHandle> started = new ArrayList<>();

  @BeforeEach
  void needsRoot() throws IOException {
    UserSwitch users = UserSwitch.detect();
    assumeTrue(users.available(), "needs root and setpriv: " + users.reason());
    assumeTrue(Files.isExecutable(Path.of(PYTHON)), "the IDE stand-in is " + PYTHON);
    // like the EFS access point's root: 0:0, 0711 (@TempDir makes 0700)
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx--x--x"));
    root = Files.createDirectory(tmp.resolve("workspaces"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
  }

  @AfterEach
  void killWhatIsLeft() {
    for (ProcessHandle p : started) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  /** The set the code-server task definition leaves its container (the Superset one is checked to be the same). */
  private static Set<String> templateCapabilities() {
    Template t = Template.all().stream().filter(x -> x.name().equals("wsgate.yaml")).findFirst().orElseThrow();
    Set<String> code = AgentWiring.kept(container(t, "CodeTaskDefinition"));
    assertThat(AgentWiring.kept(container(t, "SupersetTaskDefinition"))).isEqualTo(code);
    return code;
  }

  private static Map<String, Object> container(Template t, String td) {
    return Template.map(Template.list(t.properties(td).get("ContainerDefinitions")).get(0));
  }

  @Test
  void withTheTemplatesCapabilitiesTheAgentHandsOverStartsAndStops() throws Exception {
    Set<String> caps = templateCapabilities();
    assertThat(caps).isEqualTo(AgentWiring.CAPABILITIES.keySet());
    // made before the agent, when every workspace was uid 1000: the agent must enter and re-own all of it
    Path alice = root.resolve("alice");
    Files.createDirectories(alice.resolve("project"));
    Files.writeString(alice.resolve("project/main.py"), "print('mine')\n");
    for (Path p : List.of(alice, alice.resolve("project"), alice.resolve("project/main.py"))) {
      Files.setAttribute(p, "unix:uid", 1000, LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(p, "unix:gid", 1000, LinkOption.NOFOLLOW_LINKS);
    }
    Files.setPosixFilePermissions(alice, PosixFilePermissions.fromString("rwx------"));
    Files.setPosixFilePermissions(alice.resolve("project"), PosixFilePermissions.fromString("rwx------"));

    Agent agent = start(caps);
    long ide = agent.ready.get(BOUND_SECONDS, TimeUnit.SECONDS);
    assertThat(capabilityMask(agent.process.pid(), "CapEff")).as("the agent's effective capabilities")
        .isEqualTo(mask(caps));
    long uid = WorkspaceUser.claim(root, new WorkspaceId("alice"));
    assertThat(status(ide, "Uid")).startsWith(uid + "\t" + uid + "\t" + uid + "\t" + uid);
    assertThat(capabilityMask(ide, "CapEff")).as("the IDE's capabilities").isZero();
    for (Path p : List.of(alice, alice.resolve("project"), alice.resolve("project/main.py"))) {
      assertThat(Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS)).as("owner of %s", p)
          .isEqualTo((int) uid);
    }
    assertThat(Files.readString(alice.resolve("project/main.py"))).isEqualTo("print('mine')\n");

    // SIGTERM, as ECS stops a task: the agent stops the IDE (an orphan would outlive it) and exits
    agent.process.destroy();
    assertThat(agent.process.onExit().get(BOUND_SECONDS, TimeUnit.SECONDS).exitValue()).isEqualTo(143);
    agent.ended.get(BOUND_SECONDS, TimeUnit.SECONDS);
    assertThat(ProcessHandle.of(ide).map(ProcessHandle::isAlive)).as("the IDE after the agent's stop")
        .isIn(java.util.Optional.empty(), java.util.Optional.of(false));
  }

  /**
   * Without one of these the IDE never serves: the agent says why and exits, and nothing of the IDE is left. The
   * three that switching users needs it checks at start, and with isolation required it refuses to start (exit 2);
   * the other two fail the workspace's start (exit 1).
   */
  @ParameterizedTest(name = "without {0}")
  @CsvSource({
      "CHOWN, 2, the agent runs as root without CAP_CHOWN",
      "FOWNER, 1, Operation not permitted",
      "DAC_OVERRIDE, 1, Permission denied",
      "SETUID, 2, the agent runs as root without CAP_SETUID",
      "SETGID, 2, the agent runs as root without CAP_SETGID"})
  void withoutOneTheIdeNeverServes(String missing, int expectedExit, String why) throws Exception {
    Set<String> caps = new TreeSet<>(templateCapabilities());
    assertThat(caps.remove(missing)).isTrue();
    Agent agent = start(caps);
    int exit = agent.process.onExit().get(BOUND_SECONDS, TimeUnit.SECONDS).exitValue();
    agent.ended.get(BOUND_SECONDS, TimeUnit.SECONDS);
    assertThat(exit).isEqualTo(expectedExit);
    assertThat(agent.ready).isCompletedExceptionally();
    assertThat(agent.output()).contains(why).doesNotContain("ready in");
  }

  /**
   * Without KILL the agent cannot signal the IDE, which runs as another uid: after the agent's SIGTERM, its stop grace
   * (2 s) and its SIGKILL, the IDE is still there. The wait is bounded at 20 s expecting nothing; a slow machine can
   * only make the IDE outlive it more surely, never fail the test.
   */
  @Test
  void withoutKillTheIdeOutlivesTheAgentsStop() throws Exception {
    Set<String> caps = new TreeSet<>(templateCapabilities());
    assertThat(caps.remove("KILL")).isTrue();
    Agent agent = start(caps);
    long ide = agent.ready.get(BOUND_SECONDS, TimeUnit.SECONDS);
    ProcessHandle ideHandle = ProcessHandle.of(ide).orElseThrow();
    agent.process.destroy();
    assertThatThrownBy(() -> ideHandle.onExit().get(20, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
    assertThat(ideHandle.isAlive()).isTrue();
  }

  private Agent start(Set<String> caps) throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String bounding = "-all" + caps.stream().map(c -> ",+" + c.toLowerCase(Locale.ROOT)).collect(Collectors.joining());
    String java = ProcessHandle.current().info().command().orElseThrow();
    List<String> argv = List.of("setpriv", "--bounding-set=" + bounding, "--inh-caps=-all", "--",
        java, "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        "io.wsgate.agent.Agent", "--command", PYTHON + " -m http.server {port} --bind {host}",
        "--readiness-path", "/healthz", "--port", Integer.toString(port), "--isolation", "required",
        "--stop-grace", "2s", "--workspace", "alice", "--data-dir", root.resolve("alice").toString());
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("WSGATE_"));
    Process p = pb.start();
    started.add(p.toHandle());
    Agent agent = new Agent(p, new CopyOnWriteArrayList<>(), new CompletableFuture<>(), new CompletableFuture<>());
    Thread reader = new Thread(() -> agent.read(), "agent-output");
    reader.setDaemon(true);
    reader.start();
    return agent;
  }

  /**
   * @param ready the IDE's pid once the agent says the workspace is ready
   * @param ended completes when the agent's output ends (it and the IDE have exited), so every line is read
   */
  private record Agent(Process process, List<String> lines, CompletableFuture<Long> ready,
                       CompletableFuture<Void> ended) {
    void read() {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          lines.add(line);
          Matcher m = READY.matcher(line);
          if (m.find()) {
            ready.complete(Long.parseLong(m.group(1)));
          }
        }
      } catch (IOException e) {
        // the agent is gone
      }
      ready.completeExceptionally(new IllegalStateException("the agent ended without serving:\n" + output()));
      ended.complete(null);
    }

    String output() {
      return String.join("\n", lines);
    }
  }

  private static long mask(Set<String> caps) {
    long m = 0;
    for (String c : caps) {
      m |= 1L << NUMBERS.get(c);
    }
    return m;
  }

  private static long capabilityMask(long pid, String field) throws IOException {
    return Long.parseUnsignedLong(status(pid, field).trim(), 16);
  }

  private static String status(long pid, String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith(field + ":")) {
        return line.substring(field.length() + 1).trim();
      }
    }
    throw new IOException("no " + field + " in /proc/" + pid + "/status");
  }
}
