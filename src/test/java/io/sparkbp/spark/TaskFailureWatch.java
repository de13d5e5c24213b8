package io.sparkbp.spark;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.apache.spark.SparkContext;
import org.apache.spark.Success$;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * Watches a Spark context for what a user would see on the console when a task fails: tasks that
 * end in anything but success (a {@link SparkListener}), and the warnings and errors that Spark's
 * executor and scheduler log about them (a log4j appender on the root logger). For tests asserting
 * that a data error is one sentence and nothing else. {@link #close()} removes both.
 */
public final class TaskFailureWatch implements AutoCloseable {
    private static final String[] TASK_LOGGERS = {"org.apache.spark.executor", "org.apache.spark.scheduler",
            "org.apache.spark.internal.io", "org.apache.spark.storage"};

    private final SparkContext sc;
    private final List<String> failedTasks = new ArrayList<>();
    private final List<String> logged = new ArrayList<>();
    private final SparkListener listener;
    private final AbstractAppender appender;

    public TaskFailureWatch(SparkContext sc) {
        this.sc = sc;
        this.listener = new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (!(end.reason() instanceof Success$)) {
                    synchronized (failedTasks) {
                        failedTasks.add("stage " + end.stageId() + ": " + end.reason());
                    }
                }
            }
        };
        sc.addSparkListener(listener);
        this.appender = new AbstractAppender("task-failure-watch", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                String name = event.getLoggerName();
                if (event.getLevel().isMoreSpecificThan(Level.WARN) && isTaskLogger(name)) {
                    synchronized (logged) {
                        logged.add(event.getLevel() + " " + name + ": " + event.getMessage().getFormattedMessage());
                    }
                }
            }
        };
        appender.start();
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        ctx.getConfiguration().getRootLogger().addAppender(appender, Level.WARN, null);
        ctx.updateLoggers();
    }

    private static boolean isTaskLogger(String name) {
        for (String prefix : TASK_LOGGERS) {
            if (name != null && name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** The tasks that did not succeed so far, after every event posted so far was delivered. */
    public List<String> failedTasks() {
        drain();
        synchronized (failedTasks) {
            return List.copyOf(failedTasks);
        }
    }

    /** Warnings and errors Spark's executor, scheduler and writer logged so far. */
    public List<String> logged() {
        drain();
        synchronized (logged) {
            return List.copyOf(logged);
        }
    }

    private void drain() {
        try {
            sc.listenerBus().waitUntilEmpty(30_000);
        } catch (TimeoutException e) {
            throw new AssertionError("Spark's listener bus did not drain in 30 s", e);
        }
    }

    @Override
    public void close() {
        sc.removeSparkListener(listener);
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        ctx.getConfiguration().getRootLogger().removeAppender(appender.getName());
        ctx.updateLoggers();
        appender.stop();
    }
}
