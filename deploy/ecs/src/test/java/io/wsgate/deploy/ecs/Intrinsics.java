package io.wsgate.deploy.ecs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** CloudFormation intrinsic functions in their long form, as {@link CfnYaml} produces them. */
final class Intrinsics {

  private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}]*)}");

  private Intrinsics() {
  }

  /** A one-key map {@code Ref} or {@code Fn::*}: its value is computed by CloudFormation. */
  static boolean isIntrinsic(Object v) {
    if (!(v instanceof Map<?, ?> m) || m.size() != 1) {
      return false;
    }
    String key = String.valueOf(m.keySet().iterator().next());
    return key.equals("Ref") || key.startsWith("Fn::");
  }

  /** The {@code ${...}} names of a Fn::Sub string, without the literal {@code ${!...}} escapes. */
  static List<String> subVariables(String template) {
    List<String> out = new ArrayList<>();
    Matcher m = SUB_VARIABLE.matcher(template);
    while (m.find()) {
      if (!m.group(1).startsWith("!")) {
        out.add(m.group(1).trim());
      }
    }
    return out;
  }

  /** The export suffix of {@code Fn::ImportValue: !Sub "${Param}-Suffix"}, or null for other forms. */
  static String importSuffix(Object importValue) {
    if (importValue instanceof Map<?, ?> m && m.get("Fn::Sub") instanceof String s && s.startsWith("${")) {
      int close = s.indexOf('}');
      return close > 0 && s.length() > close + 1 && s.charAt(close + 1) == '-' ? s.substring(close + 2) : null;
    }
    return null;
  }
}
