package io.eksupgrader.sandbox;

import io.eksupgrader.sandbox.CallLog.Effect;
import io.eksupgrader.sandbox.LaunchTemplates.VersionResult;
import io.eksupgrader.sandbox.LaunchTemplates.VersionView;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Speaks EC2's query protocol: form-encoded POSTs, answers {@code <XResponse><requestId>…} with
 * lower-camel members and no Result wrapper, errors {@code
 * <Response><Errors><Error><Code>…}. It serves the launch templates of node groups: reading their
 * versions and adding a version with a new image.
 */
final class Ec2HttpHandler extends QueryProtocolHandler {

  static final String NAMESPACE = "http://ec2.amazonaws.com/doc/2016-11-15/";

  private final EksWorld world;

  Ec2HttpHandler(EksWorld world, SimulatedClock clock, CallLog callLog, FaultInjector faults) {
    super(
        "ec2",
        Set.of("DescribeLaunchTemplateVersions", "CreateLaunchTemplateVersion"),
        clock,
        callLog,
        faults);
    this.world = world;
  }

  @Override
  Reply dispatch(String action, String region, FormParams params, String requestId) {
    if ("true".equals(params.get("DryRun"))) {
      throw new AwsError(412, "DryRunOperation", "Request would have succeeded, but DryRun flag is set.", Map.of());
    }
    return switch (action) {
      case "DescribeLaunchTemplateVersions" -> Reply.read(describe(region, params, requestId));
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
