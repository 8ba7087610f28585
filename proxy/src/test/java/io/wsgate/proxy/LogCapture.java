package io.wsgate.proxy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.List;

/** What a logger (and the loggers below it) logs from now until {@link #close}: for tests that assert on log lines. */
final class LogCapture implements AutoCloseable {

  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private LogCapture(String name) {
    logger = (Logger) LoggerFactory.getLogger(name);
    appender.start();
    logger.addAppender(appender);
  }

  /** Everything logged. */
  static LogCapture root() {
    return new LogCapture(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  /** What {@code type}'s logger logs. */
  static LogCapture of(Class<?> type) {
    return new LogCapture(type.getName());
  }

  /** How many events were captured so far; a mark for {@link #since}. */
  int size() {
    synchronized (appender) { // the appender appends under its own lock
      return appender.list.size();
    }
  }

  /** The events captured after the first {@code mark}. */
  List<ILoggingEvent> since(int mark) {
    synchronized (appender) {
      return List.copyOf(appender.list.subList(mark, appender.list.size()));
    }
  }

  List<ILoggingEvent> all() {
    return since(0);
  }

  void clear() {
    synchronized (appender) {
      appender.list.clear();
    }
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
  }
}
