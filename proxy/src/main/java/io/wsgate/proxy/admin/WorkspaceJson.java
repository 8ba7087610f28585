package io.wsgate.proxy.admin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;

/**
 * One workspace hash from Redis as the admin API's JSON. Activity comes from the fields the activity
 * tracker keeps in the same hash ({@link #LAST_ACTIVITY}, epoch millis, and {@link #ACTIVITY_REASON}); a
 * workspace without them is idle since its route was published.
 */
final class WorkspaceJson {

  static final String LAST_ACTIVITY = "lastActivity";
  static final String ACTIVITY_REASON = "activityReason";

  private WorkspaceJson() {
  }

  static JsonArray all(List<Map<String, String>> hashes, long now) {
    JsonArray out = new JsonArray();
    hashes.stream()
        .sorted((a, b) -> a.get("id").compareTo(b.get("id")))
        .forEach(h -> out.add(one(h, now)));
    return out;
  }

  static JsonObject one(Map<String, String> h, long now) {
    JsonObject o = new JsonObject()
        .put("id", h.get("id"))
        .put("state", h.get("state"))
        .put("profile", h.getOrDefault("profile", ""))
        .put("phase", h.getOrDefault("phase", ""));
    if (h.containsKey("host") && h.containsKey("port")) {
      o.put("endpoint", h.get("host") + ":" + h.get("port"));
    }
    long since = parse(h.get("since"));
    if (since > 0) {
      o.put("sinceMillis", since).put("forMs", Math.max(0, now - since));
    }
    long activity = parse(h.get(LAST_ACTIVITY));
    if (activity > 0) {
      o.put("lastActivityMillis", activity).put("activityReason", h.getOrDefault(ACTIVITY_REASON, ""));
    }
    long idleFrom = activity > 0 ? activity : since;
    if ("running".equals(h.get("state")) && idleFrom > 0) {
      o.put("idleForMs", Math.max(0, now - idleFrom));
    }
    long launchMs = parse(h.get("launchMs"));
    if (h.get("launchMs") != null && !h.get("launchMs").isEmpty()) {
      o.put("launchMs", launchMs);
    }
    if (h.get("source") != null && !h.get("source").isEmpty()) {
      o.put("source", h.get("source"));
    }
    return o;
  }

  private static long parse(String s) {
    try {
      return s == null || s.isEmpty() ? 0 : Long.parseLong(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
