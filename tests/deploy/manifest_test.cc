#include "deploy/manifest.h"

#include <gtest/gtest.h>

#include <fstream>

#include "support/deploy_fixture.h"

namespace lmbench::deploy {
namespace {

TEST(RolloutTargets, EveryWorkloadInFileOrder) {
  testing::TempDir dir("manifest");
  std::ofstream(dir / "m.yaml") << R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: vllm-engine}
---
apiVersion: v1
kind: Service
metadata: {name: vllm-engine-service}
---
apiVersion: v1
kind: List
items:
- {apiVersion: apps/v1, kind: StatefulSet, metadata: {name: cache}}
---
# an empty document
)";
  auto r = rollout_targets(dir / "m.yaml");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, (std::vector<std::string>{"deployment/vllm-engine", "statefulset/cache"}));
}

TEST(RolloutTargets, SyntaxErrorNamesFileLineAndColumn) {
  testing::TempDir dir("manifest-bad");
  std::ofstream(dir / "bad.yaml") << "kind: Deployment\nmetadata:\n  name: [unclosed\n";
  auto r = rollout_targets(dir / "bad.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, "manifest");
  EXPECT_NE(r.error().message.find((dir / "bad.yaml").string() + ":"), std::string::npos) << r.error().message;
}

TEST(RolloutTargets, DeploymentWithoutNameIsAnError) {
  testing::TempDir dir("manifest-noname");
  std::ofstream(dir / "m.yaml") << "kind: Deployment\nmetadata: {labels: {a: b}}\n";
  auto r = rollout_targets(dir / "m.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("m.yaml:1:1: metadata.name"), std::string::npos) << r.error().message;
}

TEST(RolloutTargets, MissingFile) {
  auto r = rollout_targets("/nonexistent/manifest.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("/nonexistent/manifest.yaml"), std::string::npos);
}

TEST(ReadManifest, ClaimsThePodsMountThatTheManifestDoesNotDefine) {
  testing::TempDir dir("manifest-claims");
  std::ofstream(dir / "m.yaml") << R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: engine}
spec:
  template:
    spec:
      volumes:
      - {name: cache, persistentVolumeClaim: {claimName: weights}}
      - {name: shm, emptyDir: {medium: Memory}}
      - {name: own, persistentVolumeClaim: {claimName: scratch}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: scratch}
---
apiVersion: v1
kind: Pod
metadata: {name: helper}
spec:
  volumes:
  - {name: cache, persistentVolumeClaim: {claimName: weights}}
  - {name: more, persistentVolumeClaim: {claimName: datasets}}
)";
  auto r = read_manifest(dir / "m.yaml");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->rollout_targets, (std::vector<std::string>{"deployment/engine"}));
  EXPECT_EQ(r->external_claims, (std::vector<std::string>{"datasets", "weights"}));
}

TEST(ReadManifest, AClaimNameThatIsNoObjectNameIsRefusedWithItsLine) {
  testing::TempDir dir("manifest-claim-name");
  std::ofstream(dir / "m.yaml") << "kind: Pod\nmetadata: {name: p}\nspec:\n  volumes:\n"
                                   "  - name: c\n    persistentVolumeClaim:\n      claimName: \"x\\nkind: Secret\"\n";
  auto r = read_manifest(dir / "m.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("m.yaml:7:18: persistentVolumeClaim.claimName"), std::string::npos) << r.error().message;
}

TEST(ClaimManifest, IsAClaimOfTheSizeOnTheDefaultStorageClass) {
  EXPECT_EQ(claim_manifest("weights", "50Gi"),
            "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: weights\n  labels:\n"
            "    app.kubernetes.io/managed-by: lmbench\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n"
            "    requests:\n      storage: 50Gi\n");
}

}  // namespace
}  // namespace lmbench::deploy
