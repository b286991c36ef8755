package io.eksupgrader.sandbox;

import io.eksupgrader.sandbox.EksWorld.RoleView;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * Speaks IAM's awsQuery protocol (like Auto Scaling's: {@code <XResponse><XResult>…}, errors
 * {@code <ErrorResponse><Error><Type>Sender</Type><Code>…}) for the roles the clusters and their
 * node groups name: {@code GetRole}. IAM is global, so the region of the signature (us-east-1 for
 * the global endpoint) does not matter. Reads only.
 */
final class IamHttpHandler extends QueryProtocolHandler {

  static final String NAMESPACE = "https://iam.amazonaws.com/doc/2010-05-08/";

  private final EksWorld world;

  IamHttpHandler(
      EksWorld world, SimulatedClock clock, CallLog callLog, FaultInjector faults, AwsActionLog actions) {
    super("iam", Set.of("GetRole"), clock, callLog, faults, actions);
    this.world = world;
  }

  @Override
  Reply dispatch(String action, String region, FormParams params, String requestId) {
    String name = params.required("RoleName");
    RoleView role =
        world
            .role(name)
            .orElseThrow(
                () -> new AwsError(404, "NoSuchEntity", "The role with name " + name + " cannot be found.", Map.of()));
    XmlBuilder xml =
        new XmlBuilder("GetRoleResponse", NAMESPACE)
            .open("GetRoleResult")
            .open("Role")
            .text("Path", role.path())
            .text("RoleName", role.name())
            .text("RoleId", role.roleId())
            .text("Arn", role.arn())
            .text("CreateDate", role.createDate())
            // IAM answers the trust policy URL-encoded; the SDK hands it over as it came.
            .text("AssumeRolePolicyDocument", URLEncoder.encode(trustPolicy(role.trustedService()), StandardCharsets.UTF_8))
            .text("MaxSessionDuration", 3600)
            .open("RoleLastUsed")
            .close()
            .close()
            .close()
            .open("ResponseMetadata")
            .text("RequestId", requestId)
            .close();
    return Reply.read(xml);
  }

  private static String trustPolicy(String service) {
    return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\""
        + service
        + "\"},\"Action\":\"sts:AssumeRole\"}]}";
  }

  @Override
  AwsError throttling() {
    return new AwsError(400, "Throttling", "Rate exceeded (sandbox fault faults.throttlingRate)", Map.of());
  }

  @Override
  AwsError serverError() {
    return new AwsError(500, "ServiceFailure", "Internal failure (sandbox fault faults.serverErrorRate)", Map.of());
  }

  @Override
  byte[] errorBody(AwsError e, String requestId) {
    return errorResponse(NAMESPACE, e, requestId);
  }
}
