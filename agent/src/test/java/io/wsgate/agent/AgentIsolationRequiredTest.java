package io.wsgate.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.wsgate.auth.AssignSignature;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --isolation required} with real agent processes that lack the privilege to switch users: one as root with
 * {@code CAP_SETUID} and {@code CAP_SETGID} taken away (as a container's capability set can), one as a real
 * unprivileged user ({@code nobody}). Each refuses to start, exit 2, saying why; nothing listens on its port. The
 * same process with {@code auto} starts warm and says once that it cannot switch, so the refusal is the setting's.
 * Needs root and setpriv to set the processes up (the suite runs as root).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AgentIsolationRequiredTest {

  private static final String NOBODY = "65534";
  private static final List<String> WITHOUT_SETUID = List.of("/usr/bin/setpriv", "--bounding-set=-setuid,-setgid",
      "--inh-caps=-setuid,-setgid", "--");
  private static final List<String> AS_NOBODY = List.of("/usr/bin/setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY,
      "--clear-groups", "--");

  @TempDir
  Path tmp;
  final List<Process> started = new ArrayList<>();

  @BeforeEach
  void privileged() {
    assumeTrue(UserSwitch.detect().available(), "needs root and setpriv to take the privilege away");
  }

  @AfterEach
  void stop() throws InterruptedException {
    for (Process p : started) {
      p.destroyForcibly().waitFor();
    }
  }

  @Test
  void rootWithoutSetuidAndSetgidRefusesToStart() throws Exception {
    int port = AgentHarness.freePort();
    Process agent = agent(WITHOUT_SETUID, classpath(), port, "required");

    assertThat(agent.waitFor(60, TimeUnit.SECONDS)).as("the agent exited").isTrue();
    assertThat(agent.exitValue()).isEqualTo(2);
    assertThat(stderr(agent)).contains("agent: WSGATE_AGENT_ISOLATION (--isolation) is required, but the agent "
        + "cannot switch users: the agent runs as root without CAP_SETGID, CAP_SETUID");
    assertThat(listening(port)).isFalse();
  }

  @Test
  void anUnprivilegedUserRefusesToStart() throws Exception {
    int port = AgentHarness.freePort();
    Process agent = agent(AS_NOBODY, readableClasspath(), port, "required");

    assertThat(agent.waitFor(60, TimeUnit.SECONDS)).as("the agent exited").isTrue();
    assertThat(stderr(agent)).contains("is required, but the agent cannot switch users: the agent runs as uid "
        + NOBODY + ", not root");
    assertThat(agent.exitValue()).isEqualTo(2);
    assertThat(listening(port)).isFalse();
  }

  @Test
  void withAutoTheSameAgentStartsWarmAndSaysItCannotSwitch() throws Exception {
    int port = AgentHarness.freePort();
    Process agent = agent(WITHOUT_SETUID, classpath(), port, "auto");
    started.add(agent);

    String first = stdoutLine(agent);
    assertThat(first).contains("cannot switch users (the agent runs as root without CAP_SETGID, CAP_SETUID)");
    assertThat(stdoutLine(agent)).startsWith("agent: warm on 127.0.0.1:" + port);
    HttpResponse<String> warm = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(warm.statusCode()).isEqualTo(200);
    assertThat(warm.body()).isEqualTo("warm");
  }

  private Process agent(List<String> prefix, String classpath, int port, String isolation) throws IOException {
    List<String> command = new ArrayList<>(prefix);
    command.addAll(List.of(java(), "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classpath,
        "io.wsgate.agent.Agent", "--ide", "demo", "--port", Integer.toString(port), "--isolation", isolation));
    ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("WSGATE_"));
    pb.environment().put(AssignSignature.SECRET_ENV, AgentHarness.SECRET);
    pb.environment().put("HOME", tmp.toString());
    Process p = pb.start();
    started.add(p);
    return p;
  }

  private static String java() {
    return ProcessHandle.current().info().command().orElseThrow();
  }

  private static String classpath() {
    return System.getProperty("java.class.path");
  }

  /**
   * The test's classpath where {@code nobody} can read it: its jars live under root's 0700 home (the Maven
   * repository), so they are copied into a directory of the test; class directories are copied too.
   */
  private String readableClasspath() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("cp"));
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    List<String> out = new ArrayList<>();
    int n = 0;
    for (String entry : classpath().split(File.pathSeparator)) {
      Path from = Path.of(entry);
      if (!Files.exists(from)) {
        continue;
      }
      Path to = dir.resolve((n++) + "-" + from.getFileName());
      try (var files = Files.walk(from)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Path target = to.resolve(from.relativize(f).toString());
          if (Files.isDirectory(f)) {
            Files.createDirectories(target);
          } else {
            Files.copy(f, target);
          }
        }
      }
      out.add(to.toString());
    }
    try (var files = Files.walk(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(Files.isDirectory(f) ? "rwxr-xr-x" : "rw-r--r--"));
      }
    }
    return String.join(File.pathSeparator, out);
  }

  private static String stderr(Process p) throws IOException {
    return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  private static String stdoutLine(Process p) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = p.getInputStream().read()) != -1 && c != '\n') {
      line.append((char) c);
    }
    return line.toString();
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
