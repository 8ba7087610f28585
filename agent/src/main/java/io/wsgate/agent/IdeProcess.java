package io.wsgate.agent;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The IDE as a child process: its output goes where the agent's goes, its environment is the agent's without what
 * only the agent may hold ({@link #withheld}) plus the workspace's own variables.
 */
final class IdeProcess {

  private final Process process;

  private IdeProcess(Process process) {
    this.process = process;
  }

  static IdeProcess start(List<String> argv, Path dir, Map<String, String> vars) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT);
    Map<String, String> env = environment(pb.environment(), vars);
    pb.environment().clear();
    pb.environment().putAll(env);
    return new IdeProcess(pb.start());
  }

  /** The IDE's environment: {@code inherited} without what is {@link #withheld}, then {@code vars}. */
  static Map<String, String> environment(Map<String, String> inherited, Map<String, String> vars) {
    Map<String, String> env = new HashMap<>(inherited);
    env.keySet().removeIf(IdeProcess::withheld);
    env.putAll(vars);
    return env;
  }

  /**
   * Variables the agent keeps from the IDE, which runs a student's code: every {@code WSGATE_*} setting (the assign
   * secret), and on ECS the task role's credentials ({@code AWS_CONTAINER_CREDENTIALS_*} name the endpoint that
   * hands them out, {@code AWS_CONTAINER_AUTHORIZATION_TOKEN*} authorise it) and the task metadata endpoint. With
   * the credentials a student's code could mount the file system through the access point as any uid (EFS's IAM
   * check is the barrier a user-space NFS client meets); without them the endpoint's path is unknown to it, and the
   * agent's own environment is readable only by root.
   */
  static boolean withheld(String name) {
    return name.startsWith("WSGATE_") || name.startsWith("AWS_CONTAINER_")
        || name.startsWith("ECS_CONTAINER_METADATA_URI");
  }

  long pid() {
    return process.pid();
  }

  /** Completes with the exit code when the IDE exits. */
  CompletableFuture<Integer> exited() {
    return process.onExit().thenApply(Process::exitValue);
  }

  /**
   * SIGTERM, up to {@code grace} for the IDE to exit, then SIGKILL; then SIGKILL for whatever it started and left
   * behind (terminals). Blocks until the IDE has exited, so its writes are complete when this returns.
   *
   * @return true if the IDE exited on SIGTERM within the grace
   */
  boolean stop(Duration grace) throws InterruptedException {
    List<ProcessHandle> tree = process.descendants().toList();
    boolean clean = true;
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        clean = false;
        process.destroyForcibly();
        process.waitFor();
      }
    }
    for (ProcessHandle h : tree) {
      if (h.isAlive()) {
        h.destroyForcibly();
        try {
          h.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
          // a process that does not die on SIGKILL is the kernel's to reap
        }
      }
    }
    return clean;
  }
}
