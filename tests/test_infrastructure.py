"""The CloudFormation template the ASK CLI cfn-deployer uses."""

import json
import os
import subprocess
import sys

from conftest import ROOT

TEMPLATE = os.path.join(ROOT, "infrastructure", "cfn-deployer", "skill-stack.yaml")


def load_template():
    from cfnlint.decode import decode
    template, problems = decode(TEMPLATE)
    assert not problems, problems
    return template


def test_cfn_lint_is_clean():
    cfn_lint = os.path.join(os.path.dirname(sys.executable), "cfn-lint")
    result = subprocess.run([cfn_lint, TEMPLATE], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ask_resources_use_the_cfn_deployer_with_this_template():
    resources = json.load(open(os.path.join(ROOT, "ask-resources.json")))["profiles"]["default"]
    infra = resources["skillInfrastructure"]
    assert infra["type"] == "@ask-cli/cfn-deployer"
    assert os.path.normpath(os.path.join(ROOT, infra["userConfig"]["templatePath"])) == TEMPLATE
    assert infra["userConfig"]["runtime"].startswith("python3")


def test_template_resources_are_what_the_skill_needs_and_no_more():
    template = load_template()
    resources = template["Resources"]
    kinds = sorted(r["Type"] for r in resources.values())
    assert kinds == sorted(["AWS::DynamoDB::Table", "AWS::Logs::LogGroup", "AWS::IAM::Role",
                            "AWS::Lambda::Function", "AWS::Lambda::Permission"])
    function = resources["SkillFunction"]["Properties"]
    assert function["Architectures"] == ["arm64"]
    assert function["Timeout"] <= 8
    trigger = resources["AlexaSkillsKitTrigger"]["Properties"]
    assert trigger["Principal"] == "alexa-appkit.amazon.com"
    assert trigger["EventSourceToken"] == {"Ref": "SkillId"}
    table = resources["MemoryTable"]["Properties"]
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["TimeToLiveSpecification"]["Enabled"] is True
    assert resources["SkillLogGroup"]["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    assert "SkillEndpoint" in template["Outputs"]


def test_role_is_least_privilege():
    role = load_template()["Resources"]["SkillRole"]["Properties"]
    assert "ManagedPolicyArns" not in role
    for policy in role["Policies"]:
        for statement in policy["PolicyDocument"]["Statement"]:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            assert all("*" not in action for action in actions), actions
            assert statement["Resource"] != "*"
