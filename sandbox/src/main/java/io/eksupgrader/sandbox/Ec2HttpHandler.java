package io.eksupgrader.sandbox;

import io.eksupgrader.sandbox.CallLog.Effect;
import io.eksupgrader.sandbox.EksWorld.SubnetView;
import io.eksupgrader.sandbox.LaunchTemplates.VersionResult;
import io.eksupgrader.sandbox.LaunchTemplates.VersionView;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Speaks EC2's query protocol: form-encoded POSTs, answers {@code <XResponse><requestId>…} with
 * lower-camel members and no Result wrapper, errors {@code
 * <Response><Errors><Error><Code>…}. It serves the launch templates of node groups: reading their
 * versions and adding a version with a new image; and the subnets of the clusters' VPCs with their
 * free addresses.
 */
final class Ec2HttpHandler extends QueryProtocolHandler {

  static final String NAMESPACE = "http://ec2.amazonaws.com/doc/2016-11-15/";

  private final EksWorld world;

  Ec2HttpHandler(
      EksWorld world, SimulatedClock clock, CallLog callLog, FaultInjector faults, AwsActionLog actions) {
    super(
        "ec2",
        Set.of("DescribeLaunchTemplateVersions", "CreateLaunchTemplateVersion", "DescribeSubnets"),
        clock,
        callLog,
        faults,
        actions);
    this.world = world;
  }

  @Override
  Reply dispatch(String action, String region, FormParams params, String requestId) {
    if ("true".equals(params.get("DryRun"))) {
      throw new AwsError(412, "DryRunOperation", "Request would have succeeded, but DryRun flag is set.", Map.of());
    }
    return switch (action) {
      case "DescribeLaunchTemplateVersions" -> Reply.read(describe(region, params, requestId));
      case "DescribeSubnets" -> Reply.read(describeSubnets(region, params, requestId));
      case "CreateLaunchTemplateVersion" -> {
        VersionResult result =
            world.createLaunchTemplateVersion(
                region,
                params.get("LaunchTemplateId"),
                params.get("LaunchTemplateName"),
                params.get("SourceVersion"),
                params.get("VersionDescription"),
                params.under("LaunchTemplateData"),
                params.get("ClientToken"));
        XmlBuilder xml = response(action, requestId).open("launchTemplateVersion");
        version(xml, result.version()).close();
        yield new Reply(
            xml,
            result.replayed() ? Effect.REPLAYED : Effect.CREATED,
            result.version().templateId() + ":" + result.version().number(),
            null);
      }
      default -> throw new IllegalStateException("no dispatch for " + action);
    };
  }

  private XmlBuilder describe(String region, FormParams params, String requestId) {
    List<String> versions = new ArrayList<>(params.indexed("LaunchTemplateVersion"));
    versions.addAll(params.indexed("Versions"));
    List<VersionView> all =
        world.describeLaunchTemplateVersions(
            region,
            params.get("LaunchTemplateId"),
            params.get("LaunchTemplateName"),
            versions,
            number(params, "MinVersion"),
            number(params, "MaxVersion"));
    Integer maxResults = params.integer("MaxResults");
    if (maxResults != null && (maxResults < 1 || maxResults > 200)) {
      throw new AwsError(400, "InvalidParameterValue", "MaxResults must be between 1 and 200.", Map.of());
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
    int to = maxResults == null ? all.size() : Math.min(all.size(), from + maxResults);
    XmlBuilder xml = response("DescribeLaunchTemplateVersions", requestId).open("launchTemplateVersionSet");
    for (VersionView v : all.subList(from, to)) {
      version(xml.open("item"), v).close();
    }
    xml.close();
    if (to < all.size()) {
      xml.text(
          "nextToken",
          Base64.getUrlEncoder().withoutPadding().encodeToString(String.valueOf(to).getBytes(StandardCharsets.UTF_8)));
    }
    return xml;
  }

  /** The filters DescribeSubnets takes here, and the subnet field each compares. */
  private static final Map<String, Function<SubnetView, String>> SUBNET_FILTERS =
      Map.of(
          "subnet-id", SubnetView::id,
          "vpc-id", SubnetView::vpcId,
          "availability-zone", SubnetView::availabilityZone,
          "cidr-block", SubnetView::cidrBlock);

  /**
   * DescribeSubnets: {@code SubnetId.N} names subnets that must all exist (else
   * InvalidSubnetID.NotFound, as EC2 answers), {@code Filter.N.Name}/{@code Filter.N.Value.M}
   * narrow the list (an unknown filter name is refused), MaxResults and NextToken page it.
   */
  private XmlBuilder describeSubnets(String region, FormParams params, String requestId) {
    List<SubnetView> all = world.subnets(region);
    List<String> ids = params.indexed("SubnetId");
    List<String> missing = ids.stream().filter(id -> all.stream().noneMatch(s -> s.id().equals(id))).toList();
    if (!missing.isEmpty()) {
      throw new AwsError(
          400,
          "InvalidSubnetID.NotFound",
          "The subnet ID" + (missing.size() > 1 ? "s '" : " '") + String.join(", ", missing) + "' do" + (missing.size() > 1 ? "" : "es") + " not exist",
          Map.of());
    }
    List<SubnetView> subnets = all.stream().filter(s -> ids.isEmpty() || ids.contains(s.id())).toList();
    for (int n = 1; params.has("Filter." + n + ".Name"); n++) {
      String name = params.get("Filter." + n + ".Name");
      Function<SubnetView, String> field = SUBNET_FILTERS.get(name);
      if (field == null) {
        throw new AwsError(
            400,
            "InvalidParameterValue",
            "The filter '" + name + "' is invalid (the sandbox filters subnets by " + String.join(", ", new TreeSet<>(SUBNET_FILTERS.keySet())) + ")",
            Map.of());
      }
      List<String> values = params.indexed("Filter." + n + ".Value");
      subnets = subnets.stream().filter(s -> values.contains(field.apply(s))).toList();
    }
    Integer maxResults = params.integer("MaxResults");
    if (maxResults != null && (maxResults < 5 || maxResults > 1000)) {
      throw new AwsError(400, "InvalidParameterValue", "Value ( " + maxResults + " ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.", Map.of());
    }
    int from = offset(params.get("NextToken"), subnets.size());
    int to = maxResults == null ? subnets.size() : Math.min(subnets.size(), from + maxResults);
    XmlBuilder xml = response("DescribeSubnets", requestId).open("subnetSet");
    for (SubnetView s : subnets.subList(from, to)) {
      xml.open("item")
          .text("subnetId", s.id())
          .text("subnetArn", "arn:aws:ec2:" + region + ":" + EksWorld.ACCOUNT_ID + ":subnet/" + s.id())
          .text("state", "available")
          .text("ownerId", EksWorld.ACCOUNT_ID)
          .text("vpcId", s.vpcId())
          .text("cidrBlock", s.cidrBlock())
          .text("availableIpAddressCount", s.availableIps())
          .text("availabilityZone", s.availabilityZone())
          .text("availabilityZoneId", s.availabilityZoneId())
          .text("defaultForAz", false)
          .text("mapPublicIpOnLaunch", false)
          .text("assignIpv6AddressOnCreation", false)
          .empty("ipv6CidrBlockAssociationSet")
          .empty("tagSet")
          .close();
    }
    xml.close();
    if (to < subnets.size()) {
      xml.text("nextToken", token(to));
    }
    return xml;
  }

  private static int offset(String token, int total) {
    if (token == null) {
      return 0;
    }
    int from;
    try {
      from = Integer.parseInt(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      from = -1;
    }
    if (from < 0 || from > total) {
      throw new AwsError(400, "InvalidNextToken", "The token '" + token + "' is invalid.", Map.of());
    }
    return from;
  }

  private static String token(int offset) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(String.valueOf(offset).getBytes(StandardCharsets.UTF_8));
  }

  private static Long number(FormParams params, String key) {
    String v = params.get(key);
    if (v == null) {
      return null;
    }
    try {
      return Long.valueOf(v);
    } catch (NumberFormatException e) {
      throw new AwsError(400, "InvalidParameterValue", key + " '" + v + "' is not a version number.", Map.of());
    }
  }

  private static XmlBuilder version(XmlBuilder xml, VersionView v) {
    xml.text("launchTemplateId", v.templateId())
        .text("launchTemplateName", v.templateName())
        .text("versionNumber", v.number())
        .text("versionDescription", v.description())
        .text("createTime", v.createdAt())
        .text("createdBy", "arn:aws:iam::" + EksWorld.ACCOUNT_ID + ":root")
        .text("defaultVersion", v.defaultVersion())
        .open("launchTemplateData");
    // EC2 answers with the members' lower-camel names: ImageId is imageId.
    v.data().forEach((k, value) -> xml.text(Character.toLowerCase(k.charAt(0)) + k.substring(1), value));
    return xml.close();
  }

  private static XmlBuilder response(String action, String requestId) {
    return new XmlBuilder(action + "Response", NAMESPACE).text("requestId", requestId);
  }

  @Override
  AwsError throttling() {
    return new AwsError(
        503, "RequestLimitExceeded", "Request limit exceeded (sandbox fault faults.throttlingRate)", Map.of());
  }

  @Override
  AwsError serverError() {
    return new AwsError(
        500, "InternalError", "An internal error has occurred (sandbox fault faults.serverErrorRate)", Map.of());
  }

  @Override
  byte[] errorBody(AwsError e, String requestId) {
    return new XmlBuilder("Response", null)
        .open("Errors")
        .open("Error")
        .text("Code", e.code())
        .text("Message", e.getMessage())
        .close()
        .close()
        .text("RequestID", requestId)
        .toBytes();
  }
}
