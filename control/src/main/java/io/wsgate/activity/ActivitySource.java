package io.wsgate.activity;

/** What made a workspace active; bounded, so it can also be a metric tag. */
public enum ActivitySource {
  HTTP_REQUEST("http request", "client"),
  HTTP_RESPONSE("http response", "workspace"),
  WS_CLIENT("ws message", "client"),
  WS_WORKSPACE("ws message", "workspace"),
  WS_CLOSED("ws closed", "client");

  private final String what;
  private final String from;

  ActivitySource(String what, String from) {
    this.what = what;
    this.from = from;
  }

  String describe(long bytes) {
    return what + (bytes >= 0 ? " " + bytes + " B" : "") + " from " + from;
  }

  public boolean fromClient() {
    return "client".equals(from);
  }
}
