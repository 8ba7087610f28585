package io.wsgate.provider.local;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A profile's command line: split into arguments first (spaces separate, single or double quotes group),
 * placeholders ({@code {port}}, {@code {id}}, ...) substituted inside each argument afterwards. No shell is
 * involved, so a value can never become a second argument or a command.
 */
public final class CommandTemplate {

  private final List<String> tokens;

  private CommandTemplate(List<String> tokens) {
    this.tokens = tokens;
  }

  /** Parses a template; throws {@link IllegalArgumentException} on an unclosed quote or an empty command. */
  public static CommandTemplate parse(String template) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean inToken = false;
    char quote = 0;
    for (int i = 0; i < template.length(); i++) {
      char c = template.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          cur.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        inToken = true;
      } else if (Character.isWhitespace(c)) {
        if (inToken) {
          out.add(cur.toString());
          cur.setLength(0);
          inToken = false;
        }
      } else {
        cur.append(c);
        inToken = true;
      }
    }
    if (quote != 0) {
      throw new IllegalArgumentException("unclosed " + quote + " in command: " + template);
    }
    if (inToken) {
      out.add(cur.toString());
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("empty command");
    }
    return new CommandTemplate(List.copyOf(out));
  }

  /** A template of ready-split arguments (placeholders are still filled in by {@link #render}). */
  public static CommandTemplate of(List<String> arguments) {
    if (arguments.isEmpty()) {
      throw new IllegalArgumentException("empty command");
    }
    return new CommandTemplate(List.copyOf(arguments));
  }

  /** The argument list with every {@code {name}} replaced by {@code values.get(name)}. */
  public List<String> render(Map<String, String> values) {
    List<String> args = new ArrayList<>(tokens.size());
    for (String t : tokens) {
      String arg = t;
      for (Map.Entry<String, String> e : values.entrySet()) {
        arg = arg.replace("{" + e.getKey() + "}", e.getValue());
      }
      args.add(arg);
    }
    return args;
  }
}
