package io.eksupgrader.worker;

import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;
import java.time.Duration;

/**
 * {@code eks-upgrader.activities.<ActivityType>.*}: the start-to-close timeout, heartbeat timeout
 * and retry policy of one activity type.
 */
@EachProperty("eks-upgrader.activities")
public class ActivitySettings {

  private final String activityType;
  private Duration startToCloseTimeout;
  private Duration heartbeatTimeout;
  private Duration initialInterval = Duration.ofSeconds(1);
  private double backoffCoefficient = 2.0;
  private Duration maximumInterval = Duration.ofMinutes(1);
  private int maximumAttempts = 10;

  public ActivitySettings(@Parameter String activityType) {
    this.activityType = activityType;
  }

  public String getActivityType() {
    return activityType;
  }

  public Duration getStartToCloseTimeout() {
    return startToCloseTimeout;
  }

  public void setStartToCloseTimeout(Duration startToCloseTimeout) {
    this.startToCloseTimeout = startToCloseTimeout;
  }

  public Duration getHeartbeatTimeout() {
    return heartbeatTimeout;
  }

  public void setHeartbeatTimeout(Duration heartbeatTimeout) {
    this.heartbeatTimeout = heartbeatTimeout;
  }

  public Duration getInitialInterval() {
    return initialInterval;
  }

  public void setInitialInterval(Duration initialInterval) {
    this.initialInterval = initialInterval;
  }

  public double getBackoffCoefficient() {
    return backoffCoefficient;
  }

  public void setBackoffCoefficient(double backoffCoefficient) {
    this.backoffCoefficient = backoffCoefficient;
  }

  public Duration getMaximumInterval() {
    return maximumInterval;
  }

  public void setMaximumInterval(Duration maximumInterval) {
    this.maximumInterval = maximumInterval;
  }

  public int getMaximumAttempts() {
    return maximumAttempts;
  }

  public void setMaximumAttempts(int maximumAttempts) {
    this.maximumAttempts = maximumAttempts;
  }
}
