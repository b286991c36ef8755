package io.eksupgrader.sandbox;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error answered the way AWS services answer it: HTTP status, error code and message. EKS
 * (REST-JSON) puts the code in the {@code x-amzn-ErrorType} header (which the SDK maps to a typed
 * exception) and a JSON body with {@code message} plus the shape's extra members such as {@code
 * clusterName}; the query protocols (Auto Scaling, EC2) and SSM's JSON render the same three
 * values in their own formats, without the extra members.
 */
final class AwsError extends RuntimeException {

  private final int status;
  private final String code;
  private final Map<String, String> fields;

  AwsError(int status, String code, String message, Map<String, String> fields) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.fields = fields;
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }

  Map<String, String> fields() {
    return fields;
  }

  static AwsError of(int status, String code, String message, String clusterName) {
    Map<String, String> fields = new LinkedHashMap<>();
    if (clusterName != null) {
      fields.put("clusterName", clusterName);
    }
    return new AwsError(status, code, message, fields);
  }

  static AwsError notFound(String message, String clusterName) {
    return of(404, "ResourceNotFoundException", message, clusterName);
  }

  static AwsError inUse(String message, String clusterName) {
    return of(409, "ResourceInUseException", message, clusterName);
  }

  static AwsError invalidParameter(String message, String clusterName) {
    return of(400, "InvalidParameterException", message, clusterName);
  }

  static AwsError invalidRequest(String message, String clusterName) {
    return of(400, "InvalidRequestException", message, clusterName);
  }
}
