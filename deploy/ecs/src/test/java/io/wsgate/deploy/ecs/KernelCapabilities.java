package io.wsgate.deploy.ecs;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the documentation of the pinned specification package ({@code cfn-docs.json}, beside
 * {@code specification.json}) says about {@code AWS::ECS::TaskDefinition.KernelCapabilities}: every capability name
 * it accepts (without {@code ALL}), and the ones a Fargate task may add. The specification itself types both lists as
 * plain strings; the documentation is where AWS states the values and Fargate's limit.
 *
 * @param all           every capability name {@code Add} and {@code Drop} accept
 * @param fargateMayAdd what {@code Add} may hold on Fargate
 */
record KernelCapabilities(Set<String> all, Set<String> fargateMayAdd) {

  private static final String TYPE = "AWS::ECS::TaskDefinition.KernelCapabilities";
  private static final Pattern VALID_VALUES = Pattern.compile("Valid values: (.*)");
  private static final Pattern NAME = Pattern.compile("\"([A-Z_]+)\"");
  private static final Pattern FARGATE_ADD = Pattern.compile(
      "launched on AWS Fargate only support adding the `([A-Z_]+)` kernel capability");

  /** Loaded once: every template check of every container reads it. */
  static KernelCapabilities documented() {
    return Holder.DOCUMENTED;
  }

  static KernelCapabilities parse(JsonObject docs) {
    JsonObject props = docs.getJsonObject("Types").getJsonObject(TYPE).getJsonObject("properties");
    Set<String> all = new TreeSet<>();
    Matcher values = VALID_VALUES.matcher(props.getString("Drop"));
    if (values.find()) {
      Matcher n = NAME.matcher(values.group(1));
      while (n.find()) {
        all.add(n.group(1));
      }
    }
    all.remove("ALL");
    Set<String> add = new TreeSet<>();
    Matcher fargate = FARGATE_ADD.matcher(props.getString("Add"));
    while (fargate.find()) {
      add.add(fargate.group(1));
    }
    if (all.size() < 30 || add.isEmpty()) {
      throw new IllegalStateException(TYPE + ": the documentation no longer lists the capabilities or Fargate's limit "
          + "on adding them as this check reads it (found " + all + ", Fargate may add " + add + "): re-read it");
    }
    return new KernelCapabilities(Set.copyOf(all), Set.copyOf(add));
  }

  private static final class Holder {
    static final KernelCapabilities DOCUMENTED = load();

    private static KernelCapabilities load() {
      String spec = System.getProperty("cfnspec.file");
      if (spec == null) {
        throw new IllegalStateException("system property cfnspec.file is not set (run through Maven)");
      }
      try {
        return parse(new JsonObject(Files.readString(Path.of(spec).resolveSibling("cfn-docs.json"))));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
