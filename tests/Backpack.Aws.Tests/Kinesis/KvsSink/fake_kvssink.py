"""Parses gst-launch descriptions with a stand-in for kvssink registered under its name.

The stand-in has kvssink's properties with kvssink's names and types (producer-sdk-cpp
src/gstreamer/gstkvssink.cpp, a6efdf5) and its sink caps, so gst_parse_launch reads each description
exactly as it would for the real element; unknown properties fail (GST_PARSE_FLAG_FATAL_ERRORS). The
iot-certificate structure is checked with kvssink's own rules (KvsSinkUtil.cpp parseIotCredentialGstructure:
every value a non-empty string, the key set exactly kvssink's).

stdin: a JSON list of descriptions. stdout: a JSON list of results, one per description.
"""
import json
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GObject", "2.0")
from gi.repository import GLib, GObject, Gst  # noqa: E402

Gst.init(None)
RW = GObject.ParamFlags.READWRITE
IOT_KEYS = {"endpoint", "cert-path", "key-path", "ca-path", "role-aliases", "iot-thing-name", "connection-timeout", "completion-timeout"}


def uint(default):
    return (GObject.TYPE_UINT, "", "", 0, GLib.MAXUINT, default, RW)


class KvsSinkStandIn(Gst.Element):
    __gstmetadata__ = ("kvssink stand-in", "Sink/Video/Network", "kvssink's properties, for parsing tests", "Backpack tests")
    __gsttemplates__ = (
        Gst.PadTemplate.new("sink", Gst.PadDirection.SINK, Gst.PadPresence.ALWAYS,
                            Gst.Caps.from_string("video/x-h264,stream-format=avc,alignment=au")),
    )
    __gproperties__ = {
        "stream-name": (str, "", "", "DEFAULT_STREAM", RW),
        "aws-region": (str, "", "", "us-west-2", RW),
        "access-key": (str, "", "", "access_key", RW),
        "secret-key": (str, "", "", "secret_key", RW),
        "session-token": (str, "", "", "session_token", RW),
        "credential-path": (str, "", "", ".kvs/credential", RW),
        "storage-size": uint(128),
        "fragment-duration": uint(2000),
        "retention-period": uint(2),
        "key-frame-fragmentation": (bool, "", "", True, RW),
        "iot-certificate": (Gst.Structure.__gtype__, "", "", RW),
    }

    def __init__(self):
        super().__init__()
        self.values = {}
        self.add_pad(Gst.Pad.new_from_template(self.get_pad_template("sink"), "sink"))

    def do_set_property(self, spec, value):
        self.values[spec.name] = value

    def do_get_property(self, spec):
        return self.values.get(spec.name)


GObject.type_register(KvsSinkStandIn)
Gst.Element.register(None, "kvssink", Gst.Rank.NONE, KvsSinkStandIn)


def iot_check(structure):
    fields = []
    problem = None
    for i in range(structure.n_fields()):
        name = structure.nth_field_name(i)
        gtype = structure.get_field_type(name)
        value = structure.get_value(name)
        fields.append({"name": name, "type": gtype.name, "value": str(value)})
        if gtype != GObject.TYPE_STRING:
            problem = problem or f"{name} is {gtype.name}, not a string"
        elif value == "":
            problem = problem or f"{name} is empty"
    keys = {f["name"] for f in fields} | {"iot-thing-name", "connection-timeout", "completion-timeout"}
    if problem is None and keys != IOT_KEYS:
        problem = f"key set {sorted(keys)} is not kvssink's {sorted(IOT_KEYS)}"
    return {"name": structure.get_name(), "fields": fields, "problem": problem}


def parse(description):
    try:
        pipeline = Gst.parse_launch_full(description, None, Gst.ParseFlags.FATAL_ERRORS)
    except GLib.Error as error:
        return {"ok": False, "error": error.message}
    elements = [pipeline] if not isinstance(pipeline, Gst.Bin) else list(pipeline.iterate_elements())
    sinks = [e for e in elements if e.get_factory() is not None and e.get_factory().get_name() == "kvssink"]
    if len(sinks) != 1:
        return {"ok": False, "error": f"{len(sinks)} kvssink elements"}
    sink = sinks[0]
    properties = {}
    iot = None
    for name, value in sink.values.items():
        if isinstance(value, Gst.Structure):
            iot = iot_check(value)
        else:
            properties[name] = value
    peer = sink.get_static_pad("sink").get_peer()
    linked = peer.get_parent_element().get_factory().get_name() if peer is not None else None
    return {"ok": True, "properties": properties, "iot": iot, "linkedFrom": linked}


print(json.dumps([parse(d) for d in json.load(sys.stdin)]))
