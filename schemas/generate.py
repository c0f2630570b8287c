#!/usr/bin/env python3
"""Writes schemas/asl.schema.json, the JSON Schema (2020-12) of the Amazon States Language.

The schema is generated because every state type exists once per query language (JSONPath,
JSONata), and Parallel/Map once more per inherited language of their nested states. Run
`python3 schemas/generate.py` after editing this file; `cargo test schema::` checks that the
committed JSON is what this script writes.

Layout of `$defs`:
- `StateMachine.<L>`: a document whose top-level QueryLanguage is L.
- `State.in<D>`: any state whose scope inherits D; dispatches on QueryLanguage then Type.
- `<Type>.<Q>` / `<Type>.<Q>.in<D>`: one state type in query language Q (Parallel and Map
  also by D, the language their nested states inherit: the machine's, not the state's).
- `Branch.in<D>`, `ItemProcessor.in<D>`, `Retrier`, `Catcher.<Q>`, `ChoiceRule.JSONPath`,
  `NestedChoiceRule`, `ChoiceRule.JSONata`, `ItemReader.<Q>`, `ResultWriter.<Q>`,
  `ItemBatcher.<Q>`, `ProcessorConfig`, building blocks (`JSONataExpression`, ...).
Mutual exclusions are `not: {required: [a, b]}`, "at least one of" is `anyOf` of
`required`: asl-lint turns both into one specific message each.
"""
import json
import os
import sys

JP, JA = "JSONPath", "JSONata"
LANGS = [JP, JA]
MAX_SECONDS = 99999999

def ref(name):
    return {"$ref": f"#/$defs/{name}"}

def d(desc, schema):
    s = dict(schema)
    s["description"] = desc
    return s

def jsonata_or(schema, q):
    """In JSONata states most values may also be a JSONata expression."""
    if q == JA:
        return {"anyOf": [schema, ref("JSONataExpression")]}
    return schema

def positive_seconds(maximum=MAX_SECONDS):
    return {"type": "integer", "minimum": 1, "maximum": maximum}

DEFS = {}

DEFS["JSONataExpression"] = {
    "type": "string",
    "pattern": r"^\{%[\s\S]*%\}$",
    "description": "A JSONata expression: the whole string is `{% ... %}`.",
}
DEFS["Path"] = {
    "type": "string",
    "pattern": r"^\$",
    "description": "A JSONPath: `$` (the state input), `$$` (the context object) or `$name` (a variable), followed by steps.",
}
DEFS["ReferencePath"] = {
    "type": "string",
    "pattern": r"^\$",
    "description": "A reference path: a JSONPath that names a single node (no filters, wildcards or slices).",
}
DEFS["NullablePath"] = {
    "type": ["string", "null"],
    "pattern": r"^\$",
    "description": "A JSONPath, or null for an empty object `{}`.",
}
DEFS["ResultPath"] = {
    "type": ["string", "null"],
    "pattern": r"^\$",
    "description": "A reference path into the state input where the result goes; null discards the result and keeps the input.",
}
DEFS["PayloadTemplate"] = {
    "type": "object",
    "description": "A payload template: static values, and keys ending in `.$` whose value is a path or an intrinsic function evaluated at run time.",
}
DEFS["Timestamp"] = {
    "type": "string",
    "format": "date-time",
    "description": "An RFC 3339 timestamp with a time zone, e.g. `2026-03-14T01:59:00Z`.",
}
DEFS["ErrorName"] = {
    "type": "string",
    "minLength": 1,
    "description": "An error name: one of the predefined `States.*` errors (`States.ALL`, `States.TaskFailed`, `States.Timeout`, ...) or a name a task raises.",
}
DEFS["Assign"] = {
    "type": "object",
    "description": "Workflow variables to set when the state completes: variable names and their values (JSONPath: keys ending in `.$` take a path; JSONata: `{% %}` strings are evaluated). Values are computed from the state's input and result, not from variables assigned by the same `Assign`.",
}

COMMON = {
    "Type": {"description": "The state's type: Task, Pass, Choice, Wait, Succeed, Fail, Parallel or Map.",
             "enum": ["Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"]},
    "Comment": {"type": "string", "description": "A human-readable description of the state."},
    "QueryLanguage": {"enum": [JP, JA], "description": "The query language of this state: JSONPath (the default) or JSONata. A state may choose JSONata in a JSONPath state machine, not the reverse."},
}
FLOW = {
    "Next": {"type": "string", "minLength": 1, "description": "The name of the state to run next, in the same scope."},
    "End": {"type": "boolean", "description": "`true` ends the scope (the state machine, a Parallel branch or a Map iteration) when this state completes."},
}

def io(q, fields):
    """Input/output fields of query language q, restricted to `fields`."""
    out = {}
    if q == JP:
        allp = {
            "InputPath": d("Selects part of the state input (a path; null for `{}`). Applied first.", ref("NullablePath")),
            "Parameters": d("Builds the effective input of the state from a payload template (usually an object).", {}),
            "ResultSelector": d("Builds a new result from the raw result with a payload template.", ref("PayloadTemplate")),
            "ResultPath": d("Where in the state input to place the result (a reference path); null discards the result.", ref("ResultPath")),
            "OutputPath": d("Selects part of the state output (a path; null for `{}`). Applied last.", ref("NullablePath")),
        }
    else:
        allp = {
            "Arguments": d("The input sent to the resource or the task: any JSON value; `{% %}` strings are evaluated as JSONata.", {"anyOf": [{"type": "object"}, ref("JSONataExpression")]}),
            "Output": d("The state output: any JSON value; `{% %}` strings are evaluated as JSONata (with `$states.input`, `$states.result`, ...).", {}),
        }
    for f in fields:
        if f in allp:
            out[f] = allp[f]
    return out

def state(type_name, q, props, required=(), extra=None, flow=True, assign=True):
    p = {"Type": {"const": type_name, "description": COMMON["Type"]["description"]},
         "Comment": COMMON["Comment"], "QueryLanguage": COMMON["QueryLanguage"]}
    if flow:
        p.update(FLOW)
    if assign:
        p["Assign"] = ref("Assign")
    p.update(props)
    s = {"type": "object", "properties": p, "additionalProperties": False}
    if required:
        s["required"] = list(required)
    if extra:
        s["allOf"] = extra
    return s

def exclusive(a, b):
    return {"not": {"required": [a, b]}}

def at_least_one(*names):
    return {"anyOf": [{"required": [n]} for n in names]}

def retry_catch(q):
    return {
        "Retry": d("Retriers, tried in order: the first whose ErrorEquals matches the error retries the state.", {"type": "array", "items": ref("Retrier")}),
        "Catch": d("Catchers, tried in order after retries are exhausted: the first whose ErrorEquals matches moves to its Next.", {"type": "array", "items": ref(f"Catcher.{q}")}),
    }

def timeouts(q):
    p = {
        "TimeoutSeconds": d("Fails the task with States.Timeout when it runs longer than this many seconds (default 99999999).", jsonata_or(positive_seconds(), q)),
        "HeartbeatSeconds": d("Fails the task with States.HeartBeatTimeout when no heartbeat arrives for this many seconds; must be smaller than TimeoutSeconds.", jsonata_or(positive_seconds(), q)),
    }
    if q == JP:
        p["TimeoutSecondsPath"] = d("A reference path to the task timeout in seconds in the state input.", ref("ReferencePath"))
        p["HeartbeatSecondsPath"] = d("A reference path to the heartbeat interval in seconds in the state input.", ref("ReferencePath"))
    return p

# ---- Retry / Catch -------------------------------------------------------------------
DEFS["Retrier"] = {
    "type": "object",
    "description": "A retry policy for the errors its ErrorEquals names.",
    "properties": {
        "ErrorEquals": d("The error names this retrier handles; `States.ALL` matches every error and must be alone, in the last retrier.", {"type": "array", "minItems": 1, "items": ref("ErrorName")}),
        "IntervalSeconds": d("Seconds before the first retry (default 1).", {"type": "integer", "minimum": 1, "maximum": MAX_SECONDS}),
        "MaxAttempts": d("Maximum number of retries (default 3); 0 never retries.", {"type": "integer", "minimum": 0, "maximum": MAX_SECONDS}),
        "BackoffRate": d("Multiplier of the retry interval after each attempt (default 2.0), at least 1.0.", {"type": "number", "minimum": 1}),
        "MaxDelaySeconds": d("Upper bound of the retry interval in seconds.", {"type": "integer", "minimum": 1, "maximum": 31622400}),
        "JitterStrategy": d("FULL randomizes retry intervals between 0 and the computed delay; NONE (the default) does not.", {"enum": ["FULL", "NONE"]}),
        "Comment": COMMON["Comment"],
    },
    "required": ["ErrorEquals"],
    "additionalProperties": False,
}
for q in LANGS:
    props = {
        "ErrorEquals": d("The error names this catcher handles; `States.ALL` matches every error and must be alone, in the last catcher.", {"type": "array", "minItems": 1, "items": ref("ErrorName")}),
        "Next": d("The state to move to when this catcher matches.", {"type": "string", "minLength": 1}),
        "Comment": COMMON["Comment"],
        "Assign": ref("Assign"),
    }
    if q == JP:
        props["ResultPath"] = d("Where in the state input to place the error output (`Error`, `Cause`); null discards it.", ref("ResultPath"))
    else:
        props["Output"] = d("The output passed to Next; `$states.errorOutput` holds the error.", {})
    DEFS[f"Catcher.{q}"] = {
        "type": "object",
        "description": "A fallback: when an error its ErrorEquals names is not retried, the state moves to Next.",
        "properties": props,
        "required": ["ErrorEquals", "Next"],
        "additionalProperties": False,
    }

# ---- Choice rules --------------------------------------------------------------------
OPS = {}
for op in ["StringEquals", "StringLessThan", "StringGreaterThan", "StringLessThanEquals", "StringGreaterThanEquals"]:
    OPS[op] = {"type": "string"}
OPS["StringMatches"] = d("Compares the Variable with a pattern in which `*` matches any characters (`\\*` a literal star).", {"type": "string"})
for op in ["NumericEquals", "NumericLessThan", "NumericGreaterThan", "NumericLessThanEquals", "NumericGreaterThanEquals"]:
    OPS[op] = {"type": "number"}
OPS["BooleanEquals"] = {"type": "boolean"}
for op in ["TimestampEquals", "TimestampLessThan", "TimestampGreaterThan", "TimestampLessThanEquals", "TimestampGreaterThanEquals"]:
    OPS[op] = ref("Timestamp")
for op in ["IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp"]:
    OPS[op] = {"type": "boolean"}
for op in list(OPS):
    if not op.startswith("Is") and op != "StringMatches":
        OPS[op + "Path"] = d(f"Compares the Variable with the value at this path ({op}).", ref("Path"))
for op, s in list(OPS.items()):
    if "description" not in s and "$ref" not in s:
        OPS[op] = d(f"Comparison operator: {op}.", s)
    elif "$ref" in s and "description" not in s:
        OPS[op] = {"$ref": s["$ref"], "description": f"Comparison operator: {op}."}

def rule_props(top):
    p = {
        "Variable": d("The path of the value to compare.", ref("Path")),
        "And": d("Matches when every nested rule matches.", {"type": "array", "minItems": 1, "items": ref("NestedChoiceRule")}),
        "Or": d("Matches when any nested rule matches.", {"type": "array", "minItems": 1, "items": ref("NestedChoiceRule")}),
        "Not": d("Matches when the nested rule does not.", ref("NestedChoiceRule")),
        "Comment": COMMON["Comment"],
    }
    p.update(OPS)
    if top:
        p["Next"] = d("The state to move to when this rule matches.", {"type": "string", "minLength": 1})
        p["Assign"] = ref("Assign")
    return p

DEFS["ChoiceRule.JSONPath"] = {
    "type": "object",
    "description": "A Choice rule: one comparison (Variable and one operator) or a Boolean combination (And, Or, Not), and the Next state.",
    "properties": rule_props(True),
    "required": ["Next"],
    "additionalProperties": False,
}
DEFS["NestedChoiceRule"] = {
    "type": "object",
    "description": "A rule inside And, Or or Not: no Next.",
    "properties": rule_props(False),
    "additionalProperties": False,
}
DEFS["ChoiceRule.JSONata"] = {
    "type": "object",
    "description": "A JSONata Choice rule: a Condition and the Next state.",
    "properties": {
        "Condition": d("A JSONata expression (or true/false) deciding whether this rule matches.", {"anyOf": [{"type": "boolean"}, ref("JSONataExpression")]}),
        "Next": d("The state to move to when the Condition is true.", {"type": "string", "minLength": 1}),
        "Comment": COMMON["Comment"],
        "Assign": ref("Assign"),
        "Output": d("The output passed to Next when this rule matches.", {}),
    },
    "required": ["Condition", "Next"],
    "additionalProperties": False,
}

# ---- Map parts -----------------------------------------------------------------------
DEFS["ProcessorConfig"] = {
    "type": "object",
    "description": "How the Map runs its iterations.",
    "properties": {
        "Mode": d("INLINE (the default): iterations run inside this execution; DISTRIBUTED: each iteration is a child execution.", {"enum": ["INLINE", "DISTRIBUTED"]}),
        "ExecutionType": d("The type of child executions of a Distributed Map: STANDARD or EXPRESS.", {"enum": ["STANDARD", "EXPRESS"]}),
    },
    "additionalProperties": False,
    "if": {"properties": {"Mode": {"const": "DISTRIBUTED"}}, "required": ["Mode"]},
    "then": {"required": ["ExecutionType"]},
}
for q in LANGS:
    reader_cfg = {
        "InputType": d("The format of the items: CSV, JSON, JSONL, MANIFEST or PARQUET.", {"enum": ["CSV", "JSON", "JSONL", "MANIFEST", "PARQUET"]}),
        "CSVHeaderLocation": d("FIRST_ROW: the file's first line names the columns; GIVEN: CSVHeaders does.", {"enum": ["FIRST_ROW", "GIVEN"]}),
        "CSVHeaders": d("Column names when CSVHeaderLocation is GIVEN.", {"type": "array", "items": {"type": "string"}}),
        "CSVDelimiter": d("The CSV field separator.", {"enum": ["COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB"]}),
        "MaxItems": d("Reads at most this many items.", jsonata_or({"type": "integer", "minimum": 1, "maximum": 100000000}, q)),
        "ManifestType": d("The kind of manifest the items are listed in, e.g. ATHENA_DATA for an Athena UNLOAD manifest.", {"type": "string"}),
        # The ItemReader page, "Processing nested data sets" (September 2025).
        "Transformation": d("LOAD_AND_FLATTEN: each object listed by s3:listObjectsV2 is read, and the items are the contents of the files (InputType says their format); NONE (the default): the items are the object listings.",
                            {"enum": ["NONE", "LOAD_AND_FLATTEN"]}),
        "ItemsPointer": d("A JSON Pointer (e.g. /inventory/products) to the array of items inside a JSON file.", {"type": "string", "pattern": "^(/([^~/]|~[01])*)*$"}),
    }
    if q == JP:
        reader_cfg["MaxItemsPath"] = d("A reference path to MaxItems in the state input.", ref("ReferencePath"))
    reader = {
        "Resource": d("The S3 API that reads the items, e.g. `arn:aws:states:::s3:getObject` or `arn:aws:states:::s3:listObjectsV2`.", {"type": "string"}),
        # Closed as ItemReader is: AWS refuses other fields, and a misspelt MaxItems would
        # read every item.
        "ReaderConfig": d("How to read the items.", {"type": "object", "properties": reader_cfg, "additionalProperties": False,
                                                       "allOf": [exclusive("MaxItems", "MaxItemsPath"),
                                                                 # The docs: LOAD_AND_FLATTEN needs InputType.
                                                                 {"if": {"properties": {"Transformation": {"const": "LOAD_AND_FLATTEN"}},
                                                                         "required": ["Transformation"]},
                                                                  "then": {"required": ["InputType"]}}],
                                                       # The docs: with GIVEN, CSVHeaders must be given too.
                                                       "if": {"properties": {"CSVHeaderLocation": {"const": "GIVEN"}},
                                                              "required": ["CSVHeaderLocation"]},
                                                       "then": {"required": ["CSVHeaders"]}}),
    }
    writer = {
        "Resource": d("The API that writes the results: `arn:aws:states:::s3:putObject`.", {"type": "string"}),
        "WriterConfig": d("How to shape and format the written results.", {
            "type": "object",
            "properties": {
                "Transformation": d("NONE: each child execution's output with its metadata; COMPACT: the outputs only; FLATTEN: the outputs, arrays flattened.",
                                    {"enum": ["NONE", "COMPACT", "FLATTEN"]}),
                "OutputType": d("JSON: one array; JSONL: JSON Lines.", {"enum": ["JSON", "JSONL"]}),
            },
            "additionalProperties": False,
        }),
    }
    if q == JP:
        reader["Parameters"] = d("The bucket and key (or prefix) to read.", ref("PayloadTemplate"))
        writer["Parameters"] = d("The bucket and prefix to write to.", ref("PayloadTemplate"))
    else:
        reader["Arguments"] = d("The bucket and key (or prefix) to read.", {"anyOf": [{"type": "object"}, ref("JSONataExpression")]})
        writer["Arguments"] = d("The bucket and prefix to write to.", {"anyOf": [{"type": "object"}, ref("JSONataExpression")]})
    DEFS[f"ItemReader.{q}"] = {"type": "object", "description": "Reads the Distributed Map's items from Amazon S3.",
                               "properties": reader, "required": ["Resource"], "additionalProperties": False}
    DEFS[f"ResultWriter.{q}"] = {"type": "object", "description": "Writes the Distributed Map's results to Amazon S3.",
                                 "properties": writer, "additionalProperties": False,
                                 "anyOf": [{"required": ["Resource"]}, {"required": ["WriterConfig"]}],
                                 # The docs' field combinations: WriterConfig alone, or Resource with
                                 # Parameters (Arguments), with or without WriterConfig.
                                 "if": {"required": ["Parameters" if q == JP else "Arguments"]},
                                 "then": {"required": ["Resource"]}}
    batcher = {
        "MaxItemsPerBatch": d("At most this many items per batch.", jsonata_or({"type": "integer", "minimum": 1}, q)),
        "MaxInputBytesPerBatch": d("At most this many bytes per batch (up to 256 KiB).", jsonata_or({"type": "integer", "minimum": 1, "maximum": 262144}, q)),
        "BatchInput": d("A fixed JSON object added to every batch.", {"type": "object"} if q == JP else {}),
    }
    ex = []
    if q == JP:
        batcher["MaxItemsPerBatchPath"] = d("A reference path to MaxItemsPerBatch.", ref("ReferencePath"))
        batcher["MaxInputBytesPerBatchPath"] = d("A reference path to MaxInputBytesPerBatch.", ref("ReferencePath"))
        ex = [exclusive("MaxItemsPerBatch", "MaxItemsPerBatchPath"), exclusive("MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath")]
    DEFS[f"ItemBatcher.{q}"] = {"type": "object", "description": "Groups items into batches, one batch per child workflow.",
                                "properties": batcher, "additionalProperties": False}
    if ex:
        DEFS[f"ItemBatcher.{q}"]["allOf"] = ex

# ---- scopes --------------------------------------------------------------------------
def scope_props(dl):
    return {
        "StartAt": d("The name of the first state to run.", {"type": "string"}),
        "States": d("The states, by name.", {"type": "object", "additionalProperties": ref(f"State.in{dl}")}),
        "Comment": COMMON["Comment"],
    }
for dl in LANGS:
    DEFS[f"Branch.in{dl}"] = {"type": "object", "description": "A Parallel branch: its own StartAt and States.",
                              "properties": scope_props(dl), "additionalProperties": False}
    p = scope_props(dl)
    p["ProcessorConfig"] = ref("ProcessorConfig")
    DEFS[f"ItemProcessor.in{dl}"] = {"type": "object", "description": "The states each Map iteration runs, and how they run.",
                                     "properties": p, "additionalProperties": False}
    if dl == JA:
        # The child workflows of a Distributed Map may choose JSONPath per state.
        DEFS[f"ItemProcessor.in{dl}"]["if"] = {
            "properties": {"ProcessorConfig": {"properties": {"Mode": {"const": "DISTRIBUTED"}}, "required": ["Mode"]}},
            "required": ["ProcessorConfig"]}
        DEFS[f"ItemProcessor.in{dl}"]["then"] = {
            "properties": {"States": {"additionalProperties": ref("State.inJSONataDistributed")}}}
        DEFS[f"ItemProcessor.in{dl}"]["else"] = {
            "properties": {"States": {"additionalProperties": ref(f"State.in{dl}")}}}
        DEFS[f"ItemProcessor.in{dl}"]["properties"]["States"] = d("The states, by name.", {"type": "object"})

# ---- state types ---------------------------------------------------------------------
for q in LANGS:
    j = q == JA
    DEFS[f"Pass.{q}"] = state("Pass", q, {
        **io(q, ["InputPath", "Parameters", "ResultPath", "OutputPath", "Output"]),
        **({} if j else {"Result": d("A fixed value used as the state's result (placed at ResultPath).", {})}),
    })
    DEFS[f"Task.{q}"] = state("Task", q, {
        "Resource": d("What the task runs: a Lambda function, activity or service-integration ARN (`arn:aws:states:::service:action[.sync|.waitForTaskToken]`).", {"type": "string"}),
        "Credentials": d("A role to assume for this task: `RoleArn`" + ("." if j else " (or `RoleArn.$`)."), {
            "type": "object",
            "properties": {
                "RoleArn": d("The ARN of the IAM role the task assumes" + (", or a JSONata expression that gives it." if j else "."), {"type": "string"}),
                **({} if j else {"RoleArn.$": d("A path or intrinsic function that gives the role's ARN.", {"type": "string"})}),
            },
            "additionalProperties": False,
            **({"required": ["RoleArn"]} if j else {"anyOf": [{"required": ["RoleArn"]}, {"required": ["RoleArn.$"]}]}),
        }),
        **timeouts(q),
        **io(q, ["InputPath", "Parameters", "ResultSelector", "ResultPath", "OutputPath", "Arguments", "Output"]),
        **retry_catch(q),
    }, required=["Resource"], extra=[] if j else [
        exclusive("TimeoutSeconds", "TimeoutSecondsPath"), exclusive("HeartbeatSeconds", "HeartbeatSecondsPath")])
    DEFS[f"Choice.{q}"] = state("Choice", q, {
        "Choices": d("The rules, tried in order; the first that matches chooses the next state.", {"type": "array", "minItems": 1, "items": ref(f"ChoiceRule.{q}")}),
        "Default": d("The state to move to when no rule matches (without it the execution fails with States.NoChoiceMatched).", {"type": "string", "minLength": 1}),
        **io(q, ["InputPath", "OutputPath", "Output"]),
    }, required=["Choices"], flow=False)
    wait = {
        "Seconds": d("Seconds to wait.", jsonata_or({"type": "integer", "minimum": 0, "maximum": MAX_SECONDS}, q)),
        "Timestamp": d("Waits until this time (RFC 3339, e.g. `2026-03-14T01:59:00Z`).", jsonata_or(ref("Timestamp"), q)),
        **io(q, ["InputPath", "OutputPath", "Output"]),
    }
    names = ["Seconds", "Timestamp"]
    if not j:
        wait["SecondsPath"] = d("A reference path to the number of seconds to wait.", ref("ReferencePath"))
        wait["TimestampPath"] = d("A reference path to the timestamp to wait until.", ref("ReferencePath"))
        names += ["SecondsPath", "TimestampPath"]
    ex = [at_least_one(*names)]
    for a in range(len(names)):
        for b in range(a + 1, len(names)):
            ex.append(exclusive(names[a], names[b]))
    DEFS[f"Wait.{q}"] = state("Wait", q, wait, extra=ex)
    DEFS[f"Succeed.{q}"] = state("Succeed", q, io(q, ["InputPath", "OutputPath", "Output"]), flow=False, assign=False)
    fail = {
        "Error": d("The error name reported by the failed execution.", jsonata_or({"type": "string"}, q) if j else {"type": "string"}),
        "Cause": d("A human-readable explanation of the failure.", {"type": "string"}),
    }
    ex = []
    if not j:
        fail["ErrorPath"] = d("A path or string intrinsic function giving the error name at run time.", {"type": "string"})
        fail["CausePath"] = d("A path or string intrinsic function giving the cause at run time.", {"type": "string"})
        ex = [exclusive("Error", "ErrorPath"), exclusive("Cause", "CausePath")]
    DEFS[f"Fail.{q}"] = state("Fail", q, fail, extra=ex or None, flow=False, assign=False)
    for dl in LANGS:
        DEFS[f"Parallel.{q}.in{dl}"] = state("Parallel", q, {
            "Branches": d("The branches, run concurrently; the result is the array of their outputs.", {"type": "array", "minItems": 1, "items": ref(f"Branch.in{dl}")}),
            **io(q, ["InputPath", "Parameters", "ResultSelector", "ResultPath", "OutputPath", "Arguments", "Output"]),
            **retry_catch(q),
        }, required=["Branches"])
        mp = {
            "ItemProcessor": d("The states each iteration runs, and the processing mode.", ref(f"ItemProcessor.in{dl}")),
            "Iterator": d("Deprecated name of ItemProcessor.", ref(f"ItemProcessor.in{dl}")),
            "ItemSelector": d("Builds the input of each iteration (`$$.Map.Item.Value` is the item, `$$.Map.Item.Index` its index).", ref("PayloadTemplate") if not j else {"anyOf": [{"type": "object"}, ref("JSONataExpression")]}),
            "MaxConcurrency": d("Upper bound on concurrent iterations; 0 (the default) means as many as possible.", jsonata_or({"type": "integer", "minimum": 0}, q)),
            "ToleratedFailureCount": d("The Distributed Map fails when more iterations than this fail.", jsonata_or({"type": "integer", "minimum": 0}, q)),
            "ToleratedFailurePercentage": d("The Distributed Map fails when more than this percentage of iterations fail.", jsonata_or({"type": "number", "minimum": 0, "maximum": 100}, q)),
            "Label": d("A label for the child executions of a Distributed Map (at most 40 characters).", {"type": "string", "minLength": 1, "maxLength": 40}),
            "ItemReader": d("Reads the items from Amazon S3 instead of the state input (Distributed Map).", ref(f"ItemReader.{q}")),
            "ItemBatcher": d("Groups items into batches (Distributed Map).", ref(f"ItemBatcher.{q}")),
            "ResultWriter": d("Writes the results to Amazon S3 (Distributed Map).", ref(f"ResultWriter.{q}")),
            **io(q, ["InputPath", "Parameters", "ResultSelector", "ResultPath", "OutputPath", "Output"]),
            **retry_catch(q),
        }
        ex = [at_least_one("ItemProcessor", "Iterator"), exclusive("ItemProcessor", "Iterator")]
        if j:
            mp["Items"] = d("The items to iterate over: an array, or a JSONata expression that gives one.", {"anyOf": [{"type": "array"}, ref("JSONataExpression")]})
        else:
            mp["Parameters"] = d("Deprecated name of ItemSelector.", {})
            mp["ItemsPath"] = d("A reference path to the array (or object) in the state input to iterate over (default `$`).", ref("ReferencePath"))
            mp["MaxConcurrencyPath"] = d("A reference path to MaxConcurrency.", ref("ReferencePath"))
            mp["ToleratedFailureCountPath"] = d("A reference path to ToleratedFailureCount.", ref("ReferencePath"))
            mp["ToleratedFailurePercentagePath"] = d("A reference path to ToleratedFailurePercentage.", ref("ReferencePath"))
            ex += [exclusive("ItemSelector", "Parameters"), exclusive("MaxConcurrency", "MaxConcurrencyPath"),
                   exclusive("ToleratedFailureCount", "ToleratedFailureCountPath"),
                   exclusive("ToleratedFailurePercentage", "ToleratedFailurePercentagePath")]
        DEFS[f"Map.{q}.in{dl}"] = state("Map", q, mp, extra=ex)

TYPES = ["Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"]
for dl in LANGS:
    branches = []
    for q in LANGS:
        by_type = []
        for t in TYPES:
            name = f"{t}.{q}.in{dl}" if t in ("Parallel", "Map") else f"{t}.{q}"
            by_type.append({"if": {"properties": {"Type": {"const": t}}, "required": ["Type"]}, "then": ref(name)})
        branches.append(by_type)
    state_any = {
        "type": "object",
        "description": f"A state whose scope inherits {dl}. Its own QueryLanguage, if any, decides its fields; then its Type.",
        "required": ["Type"],
        "properties": {"Type": COMMON["Type"], "QueryLanguage": COMMON["QueryLanguage"]},
    }
    if dl == JP:
        state_any["if"] = {"properties": {"QueryLanguage": {"const": JA}}, "required": ["QueryLanguage"]}
        state_any["then"] = {"allOf": branches[1]}
        state_any["else"] = {"allOf": branches[0]}
    else:
        # A JSONata machine's states are all JSONata; QueryLanguage: JSONPath is reported once.
        state_any["allOf"] = branches[1]
        DEFS["State.inJSONataDistributed"] = {
            "type": "object",
            "description": "A state of a Distributed Map child workflow in a JSONata state machine: JSONata unless it chooses JSONPath.",
            "required": ["Type"],
            "properties": {"Type": COMMON["Type"], "QueryLanguage": COMMON["QueryLanguage"]},
            "if": {"properties": {"QueryLanguage": {"const": JP}}, "required": ["QueryLanguage"]},
            "then": {"allOf": branches[0]},
            "else": {"allOf": branches[1]},
        }
        state_any["properties"]["QueryLanguage"] = {
            "const": JA,
            "description": "In a JSONata state machine every state is JSONata: a state cannot choose JSONPath.",
        }
    DEFS[f"State.in{dl}"] = state_any
    DEFS[f"StateMachine.{dl}"] = {
        "type": "object",
        "properties": {
            "Comment": d("A human-readable description of the state machine.", {"type": "string"}),
            "StartAt": d("The name of the first state to run.", {"type": "string"}),
            "States": d("The states, by name (at most 80 characters each).", {"type": "object", "additionalProperties": ref(f"State.in{dl}")}),
            "Version": d("The version of the Amazon States Language: \"1.0\".", {"type": "string"}),
            "TimeoutSeconds": d("The maximum run time of an execution in seconds; it fails with States.Timeout beyond it.", {"type": "integer", "minimum": 1, "maximum": MAX_SECONDS}),
            "QueryLanguage": d("The query language of every state that does not set its own: JSONPath (the default) or JSONata.", {"enum": [JP, JA]}),
        },
        "required": ["StartAt", "States"],
        "additionalProperties": False,
    }

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://github.com/asl-lint/asl-lint/schemas/asl.schema.json",
    "title": "Amazon States Language (AWS Step Functions state machine)",
    "description": "A state machine definition: StartAt, States and optional Comment, Version, TimeoutSeconds, QueryLanguage.",
    "type": "object",
    "if": {"properties": {"QueryLanguage": {"const": JA}}, "required": ["QueryLanguage"]},
    "then": ref("StateMachine.JSONata"),
    "else": ref("StateMachine.JSONPath"),
    "$defs": DEFS,
}

if __name__ == "__main__":
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "asl.schema.json")
    text = json.dumps(SCHEMA, indent=2, ensure_ascii=False) + "\n"
    if len(sys.argv) > 1 and sys.argv[1] == "--check":
        sys.exit(0 if open(out).read() == text else 1)
    with open(out, "w") as f:
        f.write(text)
