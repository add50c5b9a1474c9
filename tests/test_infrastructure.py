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
                            "AWS::Lambda::Function", "AWS::Lambda::Permission",
                            "AWS::Lambda::Version", "AWS::Lambda::Alias"])
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
    assert template["Outputs"]["SkillEndpoint"]["Value"] == {"Ref": "SkillAlias"}


def test_snapstart_on_a_published_version_behind_the_alias_the_skill_calls():
    template = load_template()
    resources = template["Resources"]
    assert resources["SkillFunction"]["Properties"]["SnapStart"] == {"ApplyOn": "PublishedVersions"}
    runtime = template["Parameters"]["LambdaRuntime"]["Default"]
    assert runtime >= "python3.12" and len(runtime) >= len("python3.12")
    resources_json = json.load(open(os.path.join(ROOT, "ask-resources.json")))
    assert resources_json["profiles"]["default"]["skillInfrastructure"]["userConfig"]["runtime"] == runtime
    version = resources["SkillVersion"]["Properties"]
    assert version["FunctionName"] == {"Ref": "SkillFunction"}
    assert "CodeVersion" in json.dumps(version["Description"])       # a new version per code change
    alias = resources["SkillAlias"]["Properties"]
    assert alias["FunctionVersion"] == {"Fn::GetAtt": ["SkillVersion", "Version"]}
    assert resources["AlexaSkillsKitTrigger"]["Properties"]["FunctionName"] == {"Ref": "SkillAlias"}


def test_role_is_least_privilege():
    role = load_template()["Resources"]["SkillRole"]["Properties"]
    assert "ManagedPolicyArns" not in role
    for policy in role["Policies"]:
        for statement in policy["PolicyDocument"]["Statement"]:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            assert all("*" not in action for action in actions), actions
            assert statement["Resource"] != "*"


def test_the_role_allows_every_call_the_skills_memory_makes(dynamodb_adapter):
    """A launch, a preference, a goodbye, "forget me" and the skill disabled, through
    the real skill: each DynamoDB operation they use is granted to the function's role
    (a missing one is an AccessDenied on Lambda, heard as a memory that never clears)."""
    from alexa import Session, sender
    made = set()
    client = dynamodb_adapter.client
    real = client.call

    def recording(operation, params):
        made.add(operation)
        return real(operation, params)
    client.call = recording
    send, user = sender(dynamodb_adapter), Session()
    for envelope in (user.launch(), user.intent("SpeechRateIntent", pace=("slower", "slow")), user.intent("AMAZON.StopIntent")):
        user.absorb(send(envelope))
    user.new_session()
    user.absorb(send(user.launch()))
    user.absorb(send(user.intent("ForgetMeIntent")))
    user.absorb(send(user.intent("AMAZON.YesIntent")))
    send(user.skill_disabled())
    granted = set()
    for policy in load_template()["Resources"]["SkillRole"]["Properties"]["Policies"]:
        for statement in policy["PolicyDocument"]["Statement"]:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            granted |= {action.split(":", 1)[1] for action in actions if action.startswith("dynamodb:")}
    assert {"GetItem", "PutItem", "UpdateItem", "Scan"} <= made
    assert made <= granted, made - granted


def test_a_snapstart_init_warms_the_slow_parts_and_a_plain_start_does_not(tmp_path):
    code = ("import sys, lambda_function\n"
            "from msguide import snapstart\n"
            "adapter = lambda_function.SKILL.persistence_adapter\n"
            "client = adapter._client\n"
            "print(snapstart.is_snapshot_init(), 'botocore' in sys.modules, client is not None,\n"
            "      client is not None and client.credentials._cached is None\n"
            "      and client._idle == [])\n")
    # SnapStart's keys come from the container endpoint: nothing listens here, so a
    # key fetched (or a connection opened) during the init would fail it.
    from conftest import free_port
    nowhere = "http://127.0.0.1:%d" % free_port()
    base = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    base.update(MSGUIDE_PERSISTENCE="dynamodb", MSGUIDE_TABLE="memory", AWS_REGION="us-east-1",
                AWS_CONTAINER_CREDENTIALS_FULL_URI=nowhere + "/credentials",
                AWS_CONTAINER_AUTHORIZATION_TOKEN="token", AWS_ENDPOINT_URL_DYNAMODB=nowhere)
    plain = subprocess.run([sys.executable, "-c", code], env=base, capture_output=True, text=True, timeout=120)
    snap = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env=dict(base, AWS_LAMBDA_INITIALIZATION_TYPE="snap-start"))
    assert plain.stdout.split() == ["False", "False", "False", "False"], plain.stderr
    assert snap.stdout.split() == ["True", "False", "True", "True"], snap.stderr


def test_restore_reseeds_random_and_forgets_the_snapshots_connections(dynamodb_adapter):
    import random
    from types import SimpleNamespace

    from test_persistence import envelope_for

    from msguide.snapstart import renew
    dynamodb_adapter.get_attributes(envelope_for("amzn1.ask.account.BEFORE-THE-SNAPSHOT"))
    client = dynamodb_adapter.client
    marker = SimpleNamespace(close=lambda: None, sock=object())
    client._idle.append(marker)
    client.credentials._cached = ("OLD", "KEY", None)
    random.seed(1)
    first = random.random()
    random.seed(1)
    renew(SimpleNamespace(persistence_adapter=dynamodb_adapter))
    assert random.random() != first
    assert marker not in client._idle and client.credentials._cached is None
    assert dynamodb_adapter.get_attributes(envelope_for("amzn1.ask.account.BEFORE-THE-SNAPSHOT")) == {}
