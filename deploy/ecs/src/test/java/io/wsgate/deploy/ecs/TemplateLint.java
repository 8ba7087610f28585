package io.wsgate.deploy.ecs;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The generic checks of a set of templates deployed together: known sections, every resource type and
 * property in the {@link ResourceSpec}, and every Ref, GetAtt, Sub variable, DependsOn and ImportValue
 * resolving to something that exists.
 */
final class TemplateLint {

  static final Set<String> PSEUDO_PARAMETERS = Set.of("AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue",
      "AWS::Partition", "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix");
  private static final Set<String> SECTIONS = Set.of("AWSTemplateFormatVersion", "Description", "Metadata",
      "Parameters", "Rules", "Mappings", "Conditions", "Transform", "Resources", "Outputs");
  private static final Set<String> RESOURCE_KEYS = Set.of("Type", "Properties", "DependsOn", "Condition",
      "DeletionPolicy", "UpdateReplacePolicy", "UpdatePolicy", "CreationPolicy", "Metadata");
  private static final Pattern PARAMETER_TYPE = Pattern.compile(
      "String|Number|List<Number>|CommaDelimitedList|AWS::[A-Za-z0-9]+::[A-Za-z0-9:]+|List<AWS::[A-Za-z0-9:]+>"
          + "|AWS::SSM::Parameter::Value<.+>|AWS::SSM::Parameter::Name");

  private final ResourceSpec spec;

  TemplateLint(ResourceSpec spec) {
    this.spec = spec;
  }

  /** Problems of every template in {@code set}; imports must match an export of another template in it. */
  List<String> check(List<Template> set) {
    Set<String> exports = new HashSet<>();
    for (Template t : set) {
      for (Object output : t.section("Outputs").values()) {
        Object name = Template.map(Template.map(output).get("Export")).get("Name");
        String suffix = Intrinsics.importSuffix(name);
        if (suffix != null) {
          exports.add(suffix);
        }
      }
    }
    List<String> problems = new ArrayList<>();
    for (Template t : set) {
      check(t, exports, problems);
    }
    return problems;
  }

  private void check(Template t, Set<String> exports, List<String> problems) {
    String n = t.name();
    for (String section : t.root().keySet()) {
      if (!SECTIONS.contains(section)) {
        problems.add(n + ": unknown section '" + section + "'");
      }
    }
    t.section("Parameters").forEach((name, p) -> {
      String type = String.valueOf(Template.map(p).get("Type"));
      if (!PARAMETER_TYPE.matcher(type).matches()) {
        problems.add(n + ": Parameters." + name + ": unknown parameter type '" + type + "'");
      }
    });
    if (t.resources().isEmpty()) {
      problems.add(n + ": no Resources");
    }
    t.resources().forEach((id, r) -> {
      Map<String, Object> resource = Template.map(r);
      for (String key : resource.keySet()) {
        if (!RESOURCE_KEYS.contains(key)) {
          problems.add(n + ": Resources." + id + ": unknown resource attribute '" + key + "'");
        }
      }
      spec.checkResource(n + ": Resources." + id, String.valueOf(resource.get("Type")), resource.get("Properties"),
          problems);
      Object dependsOn = resource.get("DependsOn");
      for (Object d : dependsOn instanceof List<?> l ? l : dependsOn == null ? List.of() : List.of(dependsOn)) {
        if (!t.resources().containsKey(String.valueOf(d))) {
          problems.add(n + ": Resources." + id + ".DependsOn: no resource '" + d + "'");
        }
      }
      references(t, n + ": Resources." + id, resource.get("Properties"), Set.of(), exports, problems);
    });
    references(t, n + ": Outputs", t.root().get("Outputs"), Set.of(), exports, problems);
    references(t, n + ": Conditions", t.root().get("Conditions"), Set.of(), exports, problems);
  }

  /** Walks {@code v}; {@code locals} are the variables of an enclosing Fn::Sub's map. */
  private void references(Template t, String where, Object v, Set<String> locals, Set<String> exports,
                          List<String> problems) {
    if (v instanceof List<?> list) {
      list.forEach(item -> references(t, where, item, locals, exports, problems));
      return;
    }
    if (!(v instanceof Map<?, ?> map)) {
      return;
    }
    if (map.size() == 1 && map.containsKey("Ref")) {
      ref(t, where, String.valueOf(map.get("Ref")), locals, problems);
      return;
    }
    if (map.size() == 1 && map.containsKey("Fn::GetAtt")) {
      List<Object> args = Template.list(map.get("Fn::GetAtt"));
      if (args.size() != 2) {
        problems.add(where + ": Fn::GetAtt needs [resource, attribute], found " + map.get("Fn::GetAtt"));
      } else {
        getAtt(t, where, String.valueOf(args.get(0)), String.valueOf(args.get(1)), problems);
      }
      return;
    }
    if (map.size() == 1 && map.containsKey("Fn::Sub")) {
      Object arg = map.get("Fn::Sub");
      String text = arg instanceof String s ? s : String.valueOf(Template.list(arg).isEmpty() ? "" : Template.list(arg).get(0));
      Map<String, Object> vars = arg instanceof List<?> l && l.size() > 1 ? Template.map(l.get(1)) : Map.of();
      references(t, where, vars, locals, exports, problems);
      for (String var : Intrinsics.subVariables(text)) {
        int dot = var.indexOf('.');
        if (vars.containsKey(var) || locals.contains(var)) {
          continue;
        }
        if (dot > 0 && !PSEUDO_PARAMETERS.contains(var)) {
          getAtt(t, where + " (Fn::Sub)", var.substring(0, dot), var.substring(dot + 1), problems);
        } else {
          ref(t, where + " (Fn::Sub)", var, vars.keySet(), problems);
        }
      }
      return;
    }
    if (map.size() == 1 && map.containsKey("Fn::ImportValue")) {
      Object arg = map.get("Fn::ImportValue");
      String suffix = Intrinsics.importSuffix(arg);
      if (suffix == null) {
        problems.add(where + ": Fn::ImportValue must be !Sub \"${BaseStackName}-<Export>\", found " + arg);
      } else if (!exports.contains(suffix)) {
        problems.add(where + ": Fn::ImportValue of '" + suffix + "', which no template exports (exports: "
            + exports + ")");
      }
      references(t, where, arg, locals, exports, problems);
      return;
    }
    map.values().forEach(item -> references(t, where, item, locals, exports, problems));
  }

  private static void ref(Template t, String where, String name, Set<String> locals, List<String> problems) {
    if (!PSEUDO_PARAMETERS.contains(name) && !t.section("Parameters").containsKey(name)
        && !t.resources().containsKey(name) && !locals.contains(name)) {
      problems.add(where + ": Ref to '" + name + "', which is no parameter, resource or pseudo parameter");
    }
  }

  private void getAtt(Template t, String where, String resource, String attribute, List<String> problems) {
    if (!t.resources().containsKey(resource)) {
      problems.add(where + ": Fn::GetAtt of unknown resource '" + resource + "'");
      return;
    }
    String type = t.type(resource);
    if (spec.hasType(type) && !spec.attributes(type).contains(attribute)) {
      problems.add(where + ": Fn::GetAtt " + resource + "." + attribute + ": " + type + " has no attribute '"
          + attribute + "' (it has " + spec.attributes(type) + ")");
    }
  }
}
