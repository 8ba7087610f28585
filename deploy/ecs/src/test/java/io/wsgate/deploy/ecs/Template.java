package io.wsgate.deploy.ecs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** One parsed CloudFormation template and its sections. */
record Template(String name, Map<String, Object> root) {

  static Template parse(String name, String yaml) {
    return new Template(name, CfnYaml.parse(yaml));
  }

  /** Every {@code *.yaml} under the module's {@code templates/} directory. */
  static List<Template> all() {
    Path dir = Path.of(System.getProperty("templates.dir", "templates"));
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted()
          .map(p -> parse(p.getFileName().toString(), read(p))).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Map<String, Object> section(String name) {
    return map(root.get(name));
  }

  Map<String, Object> resources() {
    return section("Resources");
  }

  /** A resource's properties, empty if it has none. */
  Map<String, Object> properties(String logicalId) {
    return map(map(resources().get(logicalId)).get("Properties"));
  }

  String type(String logicalId) {
    return String.valueOf(map(resources().get(logicalId)).get("Type"));
  }

  /** Logical ids of the resources of {@code type}, in template order. */
  List<String> resourcesOfType(String type) {
    return resources().keySet().stream().filter(id -> type.equals(type(id))).toList();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object v) {
    return v instanceof Map ? (Map<String, Object>) v : new LinkedHashMap<>();
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object v) {
    return v instanceof List ? (List<Object>) v : List.of();
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
