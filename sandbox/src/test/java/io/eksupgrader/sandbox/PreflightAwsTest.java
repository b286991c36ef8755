package io.eksupgrader.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.Category;
import software.amazon.awssdk.services.eks.model.Cluster;
import software.amazon.awssdk.services.eks.model.DeprecationDetail;
import software.amazon.awssdk.services.eks.model.Insight;
import software.amazon.awssdk.services.eks.model.InsightStatusValue;
import software.amazon.awssdk.services.eks.model.InsightSummary;
import software.amazon.awssdk.services.eks.model.InvalidParameterException;
import software.amazon.awssdk.services.eks.model.ListInsightsResponse;
import software.amazon.awssdk.services.eks.model.LogSetup;
import software.amazon.awssdk.services.eks.model.LogType;
import software.amazon.awssdk.services.eks.model.ResourceNotFoundException;
import software.amazon.awssdk.services.eks.model.ThrottlingException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyManagerType;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.NotFoundException;

/**
 * What the pre-flight checks read from AWS, through the real SDK clients: EKS's upgrade insights,
 * DescribeCluster's VPC, encryption and logging, EC2's subnets, IAM's roles and KMS's keys.
 */
class PreflightAwsTest {

  private static final String KEY =
      "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable r : resources) {
      r.close();
    }
  }

  private SandboxServer sandbox(String yaml) {
    SandboxServer server = SandboxServer.start(Scenario.parse(yaml, "preflight.yaml"), 0);
    resources.add(server);
    return server;
  }

  private <T extends AutoCloseable> T keep(T client) {
    resources.add(client);
    return client;
  }

  private static final String DEPRECATED_APIS =
      """
      name: deprecated
      startTime: 2026-11-23T09:00:00Z
      clusters:
        - name: shop
          region: us-east-1
          version: "1.32"
          insights:
            - id: 8a2c0c7e-1111-4c44-9a0e-0123456789ab
              name: Deprecated APIs removed in Kubernetes v1.33
              kubernetesVersion: "1.33"
              status: ERROR
              reason: Deprecated API usage detected within last 30 days
              description: Checks for usage of deprecated APIs that are scheduled for removal in Kubernetes v1.33.
              recommendation: Update manifests and API clients to use newer Kubernetes APIs if applicable before upgrading.
              resources: [{uri: /apis/flowcontrol.apiserver.k8s.io/v1beta3/flowschemas, status: ERROR}]
              deprecations:
                - usage: /apis/flowcontrol.apiserver.k8s.io/v1beta3/flowschemas
                  replacedWith: /apis/flowcontrol.apiserver.k8s.io/v1/flowschemas
                  stopServingVersion: "1.32"
                  startServingReplacementVersion: "1.29"
                  clientStats: [{userAgent: kube-controller-manager/v1.31.4, numberOfRequestsLast30Days: 42, lastRequestTime: 2026-11-22T18:00:00Z}]
            - {name: Kubelet version skew, kubernetesVersion: "1.33", status: WARNING}
            - {name: Amazon Linux 2 compatibility, kubernetesVersion: "1.33", status: PASSING}
            - {name: Cluster health issues, kubernetesVersion: "1.34", status: PASSING, category: MISCONFIGURATION}
      """;

  @Test
  void insightsAreListedByFilterAndPageAndDescribedWithTheirDeprecations() {
    SandboxServer sandbox = sandbox(DEPRECATED_APIS);
    EksClient eks = keep(EksClients.standard(sandbox, "us-east-1"));

    List<InsightSummary> errors =
        eks.listInsights(r -> r.clusterName("shop").filter(f -> f.statuses(InsightStatusValue.ERROR))).insights();
    List<InsightSummary> upgradeReadinessFor133 =
        eks.listInsights(
                r -> r.clusterName("shop").filter(f -> f.categories(Category.UPGRADE_READINESS).kubernetesVersions("1.33")))
            .insights();
    ListInsightsResponse firstPage = eks.listInsights(r -> r.clusterName("shop").maxResults(3));
    ListInsightsResponse secondPage =
        eks.listInsights(r -> r.clusterName("shop").maxResults(3).nextToken(firstPage.nextToken()));

    assertThat(errors)
        .extracting(InsightSummary::id, InsightSummary::name, i -> i.insightStatus().status(), i -> i.insightStatus().reason())
        .containsExactly(
            tuple(
                "8a2c0c7e-1111-4c44-9a0e-0123456789ab",
                "Deprecated APIs removed in Kubernetes v1.33",
                InsightStatusValue.ERROR,
                "Deprecated API usage detected within last 30 days"));
    assertThat(upgradeReadinessFor133)
        .extracting(InsightSummary::name)
        .containsExactly("Deprecated APIs removed in Kubernetes v1.33", "Kubelet version skew", "Amazon Linux 2 compatibility");
    assertThat(firstPage.insights()).hasSize(3);
    assertThat(secondPage.insights()).extracting(InsightSummary::name).containsExactly("Cluster health issues");
    assertThat(secondPage.nextToken()).isNull();
    assertThat(firstPage.insights().get(1).insightStatus().reason())
        .as("a reason the scenario leaves out fits the status")
        .isEqualTo("Issues detected that may affect the upgrade.");
    assertThat(firstPage.insights().get(0).lastRefreshTime()).isEqualTo(Instant.parse("2026-11-23T08:00:00Z"));

    Insight insight =
        eks.describeInsight(r -> r.clusterName("shop").id("8a2c0c7e-1111-4c44-9a0e-0123456789ab")).insight();
    assertThat(insight.recommendation()).startsWith("Update manifests and API clients");
    assertThat(insight.additionalInfo()).containsKey("EKS update cluster documentation");
    assertThat(insight.resources())
        .extracting(r -> r.kubernetesResourceUri(), r -> r.insightStatus().status())
        .containsExactly(tuple("/apis/flowcontrol.apiserver.k8s.io/v1beta3/flowschemas", InsightStatusValue.ERROR));
    DeprecationDetail detail = insight.categorySpecificSummary().deprecationDetails().get(0);
    assertThat(detail.usage()).isEqualTo("/apis/flowcontrol.apiserver.k8s.io/v1beta3/flowschemas");
    assertThat(detail.replacedWith()).isEqualTo("/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas");
    assertThat(detail.stopServingVersion()).isEqualTo("1.32");
    assertThat(detail.startServingReplacementVersion()).isEqualTo("1.29");
    assertThat(detail.clientStats())
        .extracting(c -> c.userAgent(), c -> c.numberOfRequestsLast30Days(), c -> c.lastRequestTime())
        .containsExactly(tuple("kube-controller-manager/v1.31.4", 42, Instant.parse("2026-11-22T18:00:00Z")));

    assertThat(sandbox.callLog().isEmpty()).as("ListInsights is a POST that only reads").isTrue();
  }

  @Test
  void unknownInsightsClustersAndFilterValuesAreRefusedAsEksDoes() {
    SandboxServer sandbox = sandbox(DEPRECATED_APIS);
    EksClient eks = keep(EksClients.standard(sandbox, "us-east-1"));

    assertThatThrownBy(() -> eks.describeInsight(r -> r.clusterName("shop").id("no-such-insight")))
        .isInstanceOf(ResourceNotFoundException.class)
        .hasMessageContaining("no-such-insight");
    assertThatThrownBy(() -> eks.listInsights(r -> r.clusterName("gone")))
        .isInstanceOf(ResourceNotFoundException.class)
        .hasMessageContaining("gone");
    assertThatThrownBy(() -> eks.listInsights(r -> r.clusterName("shop").filter(f -> f.statusesWithStrings("BROKEN"))))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("BROKEN");
    assertThatThrownBy(() -> eks.listInsights(r -> r.clusterName("shop").nextToken("garbage")))
        .isInstanceOf(InvalidParameterException.class);
  }

  @Test
  void aCleanClusterPassesTheUpgradeReadinessChecksForTheNextMinorAndTheyMoveWithAnUpgrade() throws Exception {
    SandboxServer sandbox =
        sandbox(
            """
            name: clean
            timeScale: 60000
            clusters:
              - {name: shop, region: us-east-1, version: "1.32"}
            """);
    EksClient eks = keep(EksClients.standard(sandbox, "us-east-1"));

    List<InsightSummary> before = eks.listInsights(r -> r.clusterName("shop")).insights();
    String updateId =
        eks.updateClusterVersion(r -> r.name("shop").version("1.33").clientRequestToken("t1")).update().id();
    EksClients.awaitEnd(eks, "shop", updateId, Duration.ofSeconds(10));
    List<InsightSummary> after = eks.listInsights(r -> r.clusterName("shop")).insights();

    assertThat(before)
        .extracting(InsightSummary::name, InsightSummary::kubernetesVersion, i -> i.insightStatus().status(), InsightSummary::category)
        .containsExactly(
            tuple("Deprecated APIs removed in Kubernetes v1.33", "1.33", InsightStatusValue.PASSING, Category.UPGRADE_READINESS),
            tuple("Kubelet version skew", "1.33", InsightStatusValue.PASSING, Category.UPGRADE_READINESS),
            tuple("Cluster health issues", "1.33", InsightStatusValue.PASSING, Category.UPGRADE_READINESS));
    assertThat(after).extracting(InsightSummary::name).first().isEqualTo("Deprecated APIs removed in Kubernetes v1.34");
    Insight described = eks.describeInsight(r -> r.clusterName("shop").id(after.get(0).id())).insight();
    assertThat(described.additionalInfo())
        .containsEntry("Kubernetes v1.34 deprecation guide", "https://kubernetes.io/docs/reference/using-api/deprecation-guide/#v1-34");
    assertThat(described.categorySpecificSummary().deprecationDetails()).isEmpty();
  }

  private static final String CLUSTER_CONFIG =
      """
      name: config
      clusters:
        - name: shop
          region: us-east-1
          version: "1.32"
          roleArn: arn:aws:iam::111122223333:role/eks-cluster
          subnets:
            - {id: subnet-0a1b2c3d, availabilityZone: us-east-1a, availableIps: 3}
            - {id: subnet-0a1b2c3e, availabilityZone: us-east-1b, availableIps: 250, cidrBlock: 10.1.0.0/24}
          secretsEncryptionKey: {arn: "%s", state: Disabled}
          logging: [audit, api]
          nodeGroups: [{name: apps, nodeRole: "arn:aws:iam::111122223333:role/nodes/eks-node"}]
        - name: gone
          region: us-east-1
          version: "1.32"
          roleArn: arn:aws:iam::111122223333:role/deleted-role
          roleMissing: true
        - name: plain
          region: eu-west-1
          version: "1.32"
      """
          .formatted(KEY);

  @Test
  void describeClusterReportsTheSubnetsTheSecretsKeyAndTheEnabledLogTypes() {
    SandboxServer sandbox = sandbox(CLUSTER_CONFIG);
    Cluster shop = keep(EksClients.standard(sandbox, "us-east-1")).describeCluster(r -> r.name("shop")).cluster();
    Cluster plain = keep(EksClients.standard(sandbox, "eu-west-1")).describeCluster(r -> r.name("plain")).cluster();

    assertThat(shop.resourcesVpcConfig().subnetIds()).containsExactly("subnet-0a1b2c3d", "subnet-0a1b2c3e");
    assertThat(shop.resourcesVpcConfig().vpcId()).startsWith("vpc-0");
    assertThat(shop.resourcesVpcConfig().endpointPublicAccess()).isTrue();
    assertThat(shop.encryptionConfig())
        .singleElement()
        .satisfies(e -> assertThat(e.resources()).containsExactly("secrets"))
        .satisfies(e -> assertThat(e.provider().keyArn()).isEqualTo(KEY));
    assertThat(shop.logging().clusterLogging())
        .extracting(LogSetup::enabled, LogSetup::types)
        .containsExactly(
            tuple(true, List.of(LogType.API, LogType.AUDIT)),
            tuple(false, List.of(LogType.AUTHENTICATOR, LogType.CONTROLLER_MANAGER, LogType.SCHEDULER)));

    assertThat(plain.resourcesVpcConfig().subnetIds()).hasSize(2);
    assertThat(plain.encryptionConfig()).as("no key, no encryption config").isEmpty();
    assertThat(plain.logging().clusterLogging())
        .extracting(LogSetup::enabled, s -> s.types().size())
        .containsExactly(tuple(false, 5));
  }

  @Test
  void describeSubnetsAnswersTheFreeAddressesOfTheClustersSubnets() {
    SandboxServer sandbox = sandbox(CLUSTER_CONFIG);
    Ec2Client ec2 = keep(AwsClients.ec2(sandbox, "us-east-1", 1));
    Ec2Client ec2Ireland = keep(AwsClients.ec2(sandbox, "eu-west-1", 1));

    List<Subnet> byId = ec2.describeSubnets(r -> r.subnetIds("subnet-0a1b2c3d")).subnets();
    List<Subnet> byFilter =
        ec2.describeSubnets(r -> r.filters(Filter.builder().name("subnet-id").values("subnet-0a1b2c3e", "subnet-0ffffffff").build()))
            .subnets();
    List<Subnet> defaults = ec2Ireland.describeSubnets().subnets();

    assertThat(byId)
        .extracting(Subnet::subnetId, Subnet::availabilityZone, Subnet::availableIpAddressCount, Subnet::cidrBlock)
        .containsExactly(tuple("subnet-0a1b2c3d", "us-east-1a", 3, "10.0.0.0/20"));
    assertThat(byId.get(0).vpcId())
        .isEqualTo(keep(EksClients.standard(sandbox, "us-east-1")).describeCluster(r -> r.name("shop")).cluster().resourcesVpcConfig().vpcId());
    assertThat(byFilter)
        .as("a filter value that matches nothing is no error")
        .extracting(Subnet::subnetId, Subnet::availableIpAddressCount, Subnet::cidrBlock)
        .containsExactly(tuple("subnet-0a1b2c3e", 250, "10.1.0.0/24"));
    assertThat(defaults)
        .as("a cluster without subnets: two in different zones with 200 free each")
        .extracting(Subnet::availabilityZone, Subnet::availableIpAddressCount)
        .containsExactly(tuple("eu-west-1a", 200), tuple("eu-west-1b", 200));

    assertThatThrownBy(() -> ec2.describeSubnets(r -> r.subnetIds("subnet-0a1b2c3d", "subnet-0deadbeef")))
        .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidSubnetID.NotFound"))
        .satisfies(e -> assertThat(((AwsServiceException) e).statusCode()).isEqualTo(400))
        .hasMessageContaining("subnet-0deadbeef");
    assertThatThrownBy(() -> ec2.describeSubnets(r -> r.filters(Filter.builder().name("tag:Name").values("x").build())))
        .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidParameterValue"));
    assertThat(sandbox.callLog().isEmpty()).isTrue();
  }

  @Test
  void getRoleFindsTheClusterAndNodeRolesButNotADeletedOne() {
    SandboxServer sandbox = sandbox(CLUSTER_CONFIG);
    IamClient iam = keep(AwsClients.iam(sandbox, 1));

    Role cluster = iam.getRole(r -> r.roleName("eks-cluster")).role();
    Role nodes = iam.getRole(r -> r.roleName("eks-node")).role();

    assertThat(cluster.arn()).isEqualTo("arn:aws:iam::111122223333:role/eks-cluster");
    assertThat(cluster.roleName()).isEqualTo("eks-cluster");
    assertThat(cluster.roleId()).startsWith("AROA").hasSize(21);
    assertThat(cluster.path()).isEqualTo("/");
    assertThat(cluster.createDate()).isNotNull();
    assertThat(URLDecoder.decode(cluster.assumeRolePolicyDocument(), StandardCharsets.UTF_8))
        .contains("\"Service\":\"eks.amazonaws.com\"")
        .contains("sts:AssumeRole");
    assertThat(nodes.path()).isEqualTo("/nodes/");
    assertThat(nodes.assumeRolePolicyDocument()).contains("ec2.amazonaws.com");

    assertThatThrownBy(() -> iam.getRole(r -> r.roleName("deleted-role")))
        .isInstanceOf(NoSuchEntityException.class)
        .satisfies(e -> assertThat(((AwsServiceException) e).statusCode()).isEqualTo(404))
        .hasMessageContaining("The role with name deleted-role cannot be found.");
    assertThat(sandbox.callLog().isEmpty()).isTrue();
  }

  @Test
  void describeKeyReportsTheSecretsKeysStateInItsRegion() {
    SandboxServer sandbox =
        sandbox(
            CLUSTER_CONFIG
                + """
                  - name: leaving
                    region: us-east-1
                    version: "1.32"
                    secretsEncryptionKey: {arn: "arn:aws:kms:us-east-1:111122223333:key/00000000-1111-2222-3333-444444444444", state: PendingDeletion}
                """);
    KmsClient kms = keep(AwsClients.kms(sandbox, "us-east-1", 1));
    KmsClient kmsIreland = keep(AwsClients.kms(sandbox, "eu-west-1", 1));

    KeyMetadata byArn = kms.describeKey(r -> r.keyId(KEY)).keyMetadata();
    KeyMetadata byId = kms.describeKey(r -> r.keyId("1234abcd-12ab-34cd-56ef-1234567890ab")).keyMetadata();
    KeyMetadata leaving = kms.describeKey(r -> r.keyId("00000000-1111-2222-3333-444444444444")).keyMetadata();

    assertThat(byArn.keyId()).isEqualTo("1234abcd-12ab-34cd-56ef-1234567890ab");
    assertThat(byArn.arn()).isEqualTo(KEY);
    assertThat(byArn.enabled()).isFalse();
    assertThat(byArn.keyState()).isEqualTo(KeyState.DISABLED);
    assertThat(byArn.keyUsage()).isEqualTo(KeyUsageType.ENCRYPT_DECRYPT);
    assertThat(byArn.keyManager()).isEqualTo(KeyManagerType.CUSTOMER);
    assertThat(byArn.awsAccountId()).isEqualTo("111122223333");
    assertThat(byArn.creationDate()).isNotNull();
    assertThat(byId).isEqualTo(byArn);
    assertThat(leaving.keyState()).isEqualTo(KeyState.PENDING_DELETION);
    assertThat(leaving.deletionDate()).isAfter(leaving.creationDate());

    assertThatThrownBy(() -> kms.describeKey(r -> r.keyId("arn:aws:kms:us-east-1:111122223333:key/99999999-1111-2222-3333-444444444444")))
        .isInstanceOf(NotFoundException.class)
        .satisfies(e -> assertThat(((AwsServiceException) e).statusCode()).isEqualTo(400));
    assertThatThrownBy(() -> kmsIreland.describeKey(r -> r.keyId(KEY)))
        .as("KMS is regional")
        .isInstanceOf(NotFoundException.class);
    assertThat(sandbox.callLog().isEmpty()).isTrue();
  }

  @Test
  void injectedFaultsReachIamAndKmsInTheirOwnWords() {
    SandboxServer sandbox =
        sandbox(CLUSTER_CONFIG.replace("name: config\n", "name: config\nfaults: {throttlingRate: 1.0}\n"));
    IamClient iam = keep(AwsClients.iam(sandbox, 1));
    KmsClient kms = keep(AwsClients.kms(sandbox, "us-east-1", 1));
    EksClient eks = keep(EksClients.attempts(sandbox, "us-east-1", 1));

    assertThatThrownBy(() -> iam.getRole(r -> r.roleName("eks-cluster")))
        .satisfies(e -> assertThat(code(e)).isEqualTo("Throttling"))
        .satisfies(e -> assertThat(((AwsServiceException) e).isThrottlingException()).isTrue());
    assertThatThrownBy(() -> kms.describeKey(r -> r.keyId(KEY)))
        .satisfies(e -> assertThat(code(e)).isEqualTo("ThrottlingException"));
    assertThatThrownBy(() -> eks.listInsights(r -> r.clusterName("shop"))).isInstanceOf(ThrottlingException.class);
    assertThat(sandbox.stats().throttled()).isEqualTo(3);
  }

  private static String code(Throwable e) {
    return ((AwsServiceException) e).awsErrorDetails().errorCode();
  }
}
