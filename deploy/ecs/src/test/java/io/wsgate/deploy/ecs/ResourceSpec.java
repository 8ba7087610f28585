package io.wsgate.deploy.ecs;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The AWS CloudFormation resource specification (the official {@code specification.json}, as shipped in the
 * npm package {@code @aws-cdk/cfnspec}): which resource types exist, their properties, property types and
 * attributes. Checks a resource's properties against it, recursively through nested property types.
 */
final class ResourceSpec {

  private final JsonObject resourceTypes;
  private final JsonObject propertyTypes;
  private final String version;

  private ResourceSpec(JsonObject spec) {
    this.resourceTypes = spec.getJsonObject("ResourceTypes");
    this.propertyTypes = spec.getJsonObject("PropertyTypes");
    this.version = spec.getString("ResourceSpecificationVersion");
  }

  /** The specification the build installed (see the module's pom: {@code npm ci} of a locked package). */
  static ResourceSpec load() throws IOException {
    String file = System.getProperty("cfnspec.file");
    if (file == null) {
      throw new IllegalStateException("system property cfnspec.file is not set (run through Maven)");
    }
    return new ResourceSpec(new JsonObject(Files.readString(Path.of(file))));
  }

  String version() {
    return version;
  }

  int resourceTypeCount() {
    return resourceTypes.size();
  }

  boolean hasType(String type) {
    return resourceTypes.containsKey(type);
  }

  /** Attribute names {@code Fn::GetAtt} may use on a resource of {@code type}. */
  Set<String> attributes(String type) {
    JsonObject rt = resourceTypes.getJsonObject(type);
    JsonObject attrs = rt == null ? null : rt.getJsonObject("Attributes");
    return attrs == null ? Set.of() : attrs.fieldNames();
  }

  /** Problems with the {@code Properties} of resource {@code id} of {@code type}; empty if it matches. */
  void checkResource(String where, String type, Object properties, List<String> problems) {
    JsonObject rt = resourceTypes.getJsonObject(type);
    if (rt == null) {
      problems.add(where + ": unknown resource type '" + type + "'");
      return;
    }
    checkObject(where + ".Properties", type, type, rt.getJsonObject("Properties", new JsonObject()),
        properties == null ? Map.of() : properties, problems);
  }

  private void checkObject(String where, String resourceType, String typeName, JsonObject spec, Object value,
                           List<String> problems) {
    if (Intrinsics.isIntrinsic(value)) {
      return;
    }
    if (!(value instanceof Map<?, ?> map)) {
      problems.add(where + ": expected an object of type " + typeName + ", found " + describe(value));
      return;
    }
    for (Object key : map.keySet()) {
      if (!spec.containsKey((String) key)) {
        problems.add(where + "." + key + ": " + typeName + " has no property '" + key + "' (it has "
            + new TreeSet<>(spec.fieldNames()) + ")");
      }
    }
    for (String name : spec.fieldNames()) {
      JsonObject prop = spec.getJsonObject(name);
      Object v = map.get(name);
      if (v == null) {
        if (prop.getBoolean("Required", false)) {
          problems.add(where + ": " + typeName + " requires property '" + name + "'");
        }
        continue;
      }
      checkValue(where + "." + name, resourceType, prop, v, problems);
    }
  }

  private void checkValue(String where, String resourceType, JsonObject prop, Object v, List<String> problems) {
    if (Intrinsics.isIntrinsic(v)) {
      return;
    }
    if (prop.containsKey("PrimitiveType")) {
      String primitive = prop.getString("PrimitiveType");
      if (!primitive.equals("Json") && (v instanceof Map || v instanceof List)) {
        problems.add(where + ": expected a " + primitive + ", found " + describe(v));
      }
      return;
    }
    String type = prop.getString("Type");
    if ("List".equals(type) || "Map".equals(type)) {
      boolean list = "List".equals(type);
      if (list ? !(v instanceof List) : !(v instanceof Map)) {
        problems.add(where + ": expected a " + type + ", found " + describe(v));
        return;
      }
      Iterable<?> items = list ? (List<?>) v : ((Map<?, ?>) v).values();
      int i = 0;
      for (Object item : items) {
        String itemWhere = where + "[" + i++ + "]";
        if (prop.containsKey("ItemType")) {
          checkNested(itemWhere, resourceType, prop.getString("ItemType"), item, problems);
        } else if (!Intrinsics.isIntrinsic(item) && (item instanceof Map || item instanceof List)) {
          problems.add(itemWhere + ": expected a " + prop.getString("PrimitiveItemType") + ", found " + describe(item));
        }
      }
      return;
    }
    checkNested(where, resourceType, type, v, problems);
  }

  private void checkNested(String where, String resourceType, String typeName, Object v, List<String> problems) {
    JsonObject pt = propertyTypes.getJsonObject(resourceType + "." + typeName);
    if (pt == null) {
      pt = propertyTypes.getJsonObject(typeName);
    }
    if (pt == null) {
      problems.add(where + ": the specification lacks property type " + typeName);
      return;
    }
    checkObject(where, resourceType, typeName, pt.getJsonObject("Properties", new JsonObject()), v, problems);
  }

  private static String describe(Object v) {
    return v instanceof Map ? "an object" : v instanceof List ? "a list" : "'" + v + "'";
  }
}
