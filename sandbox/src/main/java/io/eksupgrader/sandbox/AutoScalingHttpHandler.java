package io.eksupgrader.sandbox;

import io.eksupgrader.sandbox.CallLog.Effect;
import io.eksupgrader.sandbox.EksWorld.AutoScalingGroupView;
import io.eksupgrader.sandbox.EksWorld.InstanceView;
import io.eksupgrader.sandbox.EksWorld.LaunchTemplateRef;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Speaks EC2 Auto Scaling's awsQuery protocol: form-encoded POSTs, answers {@code
 * <XResponse><XResult>…</XResult><ResponseMetadata>…} and errors {@code
 * <ErrorResponse><Error><Type>Sender</Type><Code>…}. It serves the ASGs behind managed node
 * groups and those of self-managed node groups: creating the latter from a launch template,
 * describing them, scale-in protection, and deleting them.
 */
final class AutoScalingHttpHandler extends QueryProtocolHandler {

  static final String NAMESPACE = "http://autoscaling.amazonaws.com/doc/2011-01-01/";

  /** UpdateAutoScalingGroup parameters the sandbox models; others are refused by name. */
  private static final Set<String> UPDATABLE =
      Set.of(
          "Action",
          "Version",
          "AutoScalingGroupName",
          "NewInstancesProtectedFromScaleIn",
          "MinSize",
          "MaxSize",
          "DesiredCapacity");

  /**
   * CreateAutoScalingGroup parameters the sandbox takes; others are refused by name. Health check,
   * cooldown, capacity rebalance, termination policies, target groups and load balancers are
   * accepted but not modelled: DescribeAutoScalingGroups reports the defaults.
   */
  private static final Set<String> CREATABLE =
      Set.of(
          "Action",
          "Version",
          "AutoScalingGroupName",
          "LaunchTemplate.LaunchTemplateId",
          "LaunchTemplate.LaunchTemplateName",
          "LaunchTemplate.Version",
          "VPCZoneIdentifier",
          "MinSize",
          "MaxSize",
          "DesiredCapacity",
          "NewInstancesProtectedFromScaleIn",
          "HealthCheckType",
          "HealthCheckGracePeriod",
          "DefaultCooldown",
          "CapacityRebalance");

  private final EksWorld world;

  AutoScalingHttpHandler(
      EksWorld world, SimulatedClock clock, CallLog callLog, FaultInjector faults, AwsActionLog actions) {
    super(
        "autoscaling",
        Set.of(
            "CreateAutoScalingGroup",
            "DescribeAutoScalingGroups",
            "SetInstanceProtection",
            "UpdateAutoScalingGroup",
            "DeleteAutoScalingGroup"),
        clock,
        callLog,
        faults,
        actions);
    this.world = world;
  }

  @Override
  Reply dispatch(String action, String region, FormParams params, String requestId) {
    return switch (action) {
      case "DescribeAutoScalingGroups" -> Reply.read(describe(region, params, requestId));
      case "CreateAutoScalingGroup" -> {
        AutoScalingGroupView asg = world.createAutoScalingGroup(region, createRequest(params));
        yield new Reply(metadata(response(action), requestId), Effect.CREATED, asg.name(), asg.cluster());
      }
      case "SetInstanceProtection" -> {
        String name = params.required("AutoScalingGroupName");
        Boolean protect = params.bool("ProtectedFromScaleIn");
        if (protect == null) {
          params.required("ProtectedFromScaleIn");
        }
        AutoScalingGroupView asg =
            world.setInstanceProtection(region, name, params.members("InstanceIds"), protect);
        XmlBuilder xml = response(action).empty(action + "Result");
        yield new Reply(metadata(xml, requestId), Effect.CREATED, asg.name(), asg.cluster());
      }
      case "UpdateAutoScalingGroup" -> {
        String name = params.required("AutoScalingGroupName");
        Set<String> unsupported = new TreeSet<>(params.values().keySet());
        unsupported.removeAll(UPDATABLE);
        if (!unsupported.isEmpty()) {
          throw new AwsError(
              400,
              "ValidationError",
              "The sandbox does not change " + String.join(", ", unsupported) + " of an Auto Scaling group.",
              Map.of());
        }
        AutoScalingGroupView asg =
            world.updateAutoScalingGroup(
                region,
                name,
                params.bool("NewInstancesProtectedFromScaleIn"),
                params.integer("MinSize"),
                params.integer("MaxSize"),
                params.integer("DesiredCapacity"));
        yield new Reply(metadata(response(action), requestId), Effect.CREATED, asg.name(), asg.cluster());
      }
      case "DeleteAutoScalingGroup" -> {
        String name = params.required("AutoScalingGroupName");
        Boolean force = params.bool("ForceDelete");
        AutoScalingGroupView asg = world.deleteAutoScalingGroup(region, name, force != null && force);
        // A group already being deleted (durations.asgDelete) is not deleted a second time.
        Effect effect = asg.status() == null ? Effect.CREATED : Effect.REPLAYED;
        yield new Reply(metadata(response(action), requestId), effect, asg.name(), asg.cluster());
      }
      default -> throw new IllegalStateException("no dispatch for " + action);
    };
  }

  private static EksWorld.AutoScalingGroupRequest createRequest(FormParams params) {
    String name = params.required("AutoScalingGroupName");
    Set<String> unsupported = new TreeSet<>();
    for (String key : params.values().keySet()) {
      if (!CREATABLE.contains(key)
          && !key.matches("Tags\\.member\\.\\d+\\.(Key|Value|PropagateAtLaunch|ResourceId|ResourceType)")
          && !key.matches("(TerminationPolicies|TargetGroupARNs|LoadBalancerNames)\\.member\\.\\d+")) {
        unsupported.add(key);
      }
    }
    if (!unsupported.isEmpty()) {
      throw new AwsError(
          400,
          "ValidationError",
          "The sandbox does not model " + String.join(", ", unsupported) + " of a new Auto Scaling group.",
          Map.of());
    }
    Map<String, String> tags = new LinkedHashMap<>();
    for (int i = 1; params.has("Tags.member." + i + ".Key"); i++) {
      String value = params.get("Tags.member." + i + ".Value");
      tags.put(params.get("Tags.member." + i + ".Key"), value == null ? "" : value);
    }
    LaunchTemplateRef launchTemplate = null;
    if (params.has("LaunchTemplate.LaunchTemplateId") || params.has("LaunchTemplate.LaunchTemplateName")) {
      launchTemplate =
          new LaunchTemplateRef(
              params.get("LaunchTemplate.LaunchTemplateId"),
              params.get("LaunchTemplate.LaunchTemplateName"),
              params.has("LaunchTemplate.Version") ? params.get("LaunchTemplate.Version") : "$Default");
    }
    String zones = params.get("VPCZoneIdentifier");
    List<String> subnets =
        zones == null || zones.isBlank()
            ? List.of()
            : Arrays.stream(zones.split(",")).map(String::trim).filter(z -> !z.isEmpty()).toList();
    Boolean protect = params.bool("NewInstancesProtectedFromScaleIn");
    return new EksWorld.AutoScalingGroupRequest(
        name,
        launchTemplate,
        subnets,
        params.integer("MinSize"),
        params.integer("MaxSize"),
        params.integer("DesiredCapacity"),
        tags,
        protect != null && protect);
  }

  private XmlBuilder describe(String region, FormParams params, String requestId) {
    Map<String, List<String>> filters = new LinkedHashMap<>();
    for (int i = 1; params.has("Filters.member." + i + ".Name"); i++) {
      filters.put(params.get("Filters.member." + i + ".Name"), params.members("Filters.member." + i + ".Values"));
    }
    List<AutoScalingGroupView> all =
        world.describeAutoScalingGroups(region, params.members("AutoScalingGroupNames"), filters);
    Integer maxRecords = params.integer("MaxRecords");
    int max = maxRecords == null ? 50 : maxRecords;
    if (max < 1 || max > 100) {
      throw new AwsError(400, "ValidationError", "MaxRecords must be between 1 and 100.", Map.of());
    }
    int from = 0;
    String token = params.get("NextToken");
    if (token != null) {
      try {
        from = Integer.parseInt(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
      } catch (RuntimeException e) {
        from = -1;
      }
      if (from < 0 || from > all.size()) {
        throw new AwsError(400, "InvalidNextToken", "The token '" + token + "' is invalid.", Map.of());
      }
    }
    int to = Math.min(all.size(), from + max);
    XmlBuilder xml = response("DescribeAutoScalingGroups").open("DescribeAutoScalingGroupsResult");
    xml.open("AutoScalingGroups");
    for (AutoScalingGroupView asg : all.subList(from, to)) {
      group(xml.open("member"), asg).close();
    }
    xml.close();
    if (to < all.size()) {
      xml.text(
          "NextToken",
          Base64.getUrlEncoder().withoutPadding().encodeToString(String.valueOf(to).getBytes(StandardCharsets.UTF_8)));
    }
    xml.close();
    return metadata(xml, requestId);
  }

  private static XmlBuilder group(XmlBuilder xml, AutoScalingGroupView asg) {
    xml.text("AutoScalingGroupName", asg.name()).text("AutoScalingGroupARN", asg.arn());
    launchTemplate(xml, asg.launchTemplate());
    xml.text("MinSize", asg.minSize())
        .text("MaxSize", asg.maxSize())
        .text("DesiredCapacity", asg.desiredCapacity())
        .text("DefaultCooldown", 300)
        .open("AvailabilityZones");
    asg.availabilityZones().forEach(z -> xml.text("member", z));
    xml.close().empty("LoadBalancerNames").empty("TargetGroupARNs");
    xml.text("HealthCheckType", "EC2").text("HealthCheckGracePeriod", 15).open("Instances");
    for (InstanceView i : asg.instances()) {
      xml.open("member")
          .text("InstanceId", i.id())
          .text("InstanceType", i.instanceType())
          .text("AvailabilityZone", i.availabilityZone())
          .text("LifecycleState", i.lifecycleState())
          .text("HealthStatus", i.healthStatus());
      launchTemplate(xml, asg.launchTemplate());
      xml.text("ProtectedFromScaleIn", i.protectedFromScaleIn()).close();
    }
    xml.close().text("CreatedTime", asg.createdAt()).empty("SuspendedProcesses");
    if (asg.status() != null) {
      xml.text("Status", asg.status());
    }
    xml.text("VPCZoneIdentifier", String.join(",", asg.subnets())).empty("EnabledMetrics").open("Tags");
    asg.tags()
        .forEach(
            (k, v) ->
                xml.open("member")
                    .text("ResourceId", asg.name())
                    .text("ResourceType", "auto-scaling-group")
                    .text("Key", k)
                    .text("Value", v)
                    .text("PropagateAtLaunch", true)
                    .close());
    xml.close().open("TerminationPolicies");
    for (String policy : List.of("AllocationStrategy", "OldestLaunchTemplate", "OldestInstance")) {
      xml.text("member", policy);
    }
    return xml.close()
        .text("NewInstancesProtectedFromScaleIn", asg.newInstancesProtectedFromScaleIn())
        .text(
            "ServiceLinkedRoleARN",
            "arn:aws:iam::"
                + EksWorld.ACCOUNT_ID
                + ":role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling")
        .text("CapacityRebalance", false);
  }

  private static void launchTemplate(XmlBuilder xml, LaunchTemplateRef t) {
    if (t != null) {
      xml.open("LaunchTemplate")
          .text("LaunchTemplateId", t.id())
          .text("LaunchTemplateName", t.name())
          .text("Version", t.version())
          .close();
    }
  }

  private static XmlBuilder response(String action) {
    return new XmlBuilder(action + "Response", NAMESPACE);
  }

  private static XmlBuilder metadata(XmlBuilder xml, String requestId) {
    return xml.open("ResponseMetadata").text("RequestId", requestId).close();
  }

  @Override
  AwsError throttling() {
    return new AwsError(400, "Throttling", "Rate exceeded (sandbox fault faults.throttlingRate)", Map.of());
  }

  @Override
  AwsError serverError() {
    return new AwsError(500, "InternalFailure", "Internal failure (sandbox fault faults.serverErrorRate)", Map.of());
  }

  @Override
  byte[] errorBody(AwsError e, String requestId) {
    return errorResponse(NAMESPACE, e, requestId);
  }
}
