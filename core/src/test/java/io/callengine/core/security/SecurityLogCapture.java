package io.callengine.core.security;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** The lines the security logger writes while a test runs: level and formatted message. */
public final class SecurityLogCapture implements AutoCloseable {
  private final Logger logger = (Logger) LoggerFactory.getLogger(SecurityLog.LOGGER);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  public SecurityLogCapture() {
    appender.start();
    logger.addAppender(appender);
  }

  /** Each line as {@code LEVEL message}. */
  public List<String> lines() {
    synchronized (appender.list) {
      return appender.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }
  }

  public List<String> matching(String regex) {
    return lines().stream().filter(l -> l.matches(regex)).toList();
  }

  public static boolean isWarn(String line) {
    return line.startsWith(Level.WARN + " ");
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
  }
}
