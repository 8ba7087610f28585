package io.wsgate.deploy.ecs;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.util.List;
import java.util.Map;

/**
 * Reads CloudFormation YAML into plain maps and lists, turning the short-form tags ({@code !Ref x},
 * {@code !GetAtt a.b}, {@code !Sub ...}, ...) into their long form ({@code {Ref: x}},
 * {@code {Fn::GetAtt: [a, b]}}, {@code {Fn::Sub: ...}}), the way CloudFormation itself does.
 */
final class CfnYaml {

  private CfnYaml() {
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> parse(String yaml) {
    Object root = new Yaml(new Constructor()).load(yaml);
    if (!(root instanceof Map)) {
      throw new IllegalArgumentException("a template is a mapping at the top level");
    }
    return (Map<String, Object>) root;
  }

  private static final class Constructor extends SafeConstructor {
    Constructor() {
      super(new LoaderOptions());
      yamlMultiConstructors.put("!", new Intrinsic());
    }

    private final class Intrinsic extends AbstractConstruct {
      @Override
      public Object construct(Node node) {
        String name = node.getTag().getValue().substring(1);
        Object value;
        if (node instanceof ScalarNode s) {
          value = constructScalar(s);
        } else if (node instanceof SequenceNode s) {
          value = constructSequence(s);
        } else {
          value = constructMapping((MappingNode) node);
        }
        if (name.equals("Ref")) {
          return Map.of("Ref", value);
        }
        if (name.equals("GetAtt") && value instanceof String s) {
          int dot = s.indexOf('.');
          // an attribute may itself contain dots (PrimaryEndPoint.Address): split at the first one only
          value = dot < 0 ? List.of(s) : List.of(s.substring(0, dot), s.substring(dot + 1));
        }
        return Map.of("Fn::" + name, value);
      }
    }
  }
}
