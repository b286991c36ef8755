package io.eksupgrader.activities.eks;

import java.net.URI;

/**
 * How to build EKS clients.
 *
 * @param endpointOverride null for AWS's own endpoints; the sandbox's URL otherwise
 * @param accessKeyId with {@code secretAccessKey}: static credentials (sandbox only); null means
 *     the default credential chain (Pod Identity, IRSA, environment, profile)
 */
public record EksClientSettings(URI endpointOverride, String accessKeyId, String secretAccessKey) {}
