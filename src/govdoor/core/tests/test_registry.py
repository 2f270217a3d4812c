import pytest

from govdoor.core.registry import Registry, UnknownPlugin


def test_a_registered_plugin_is_found_by_its_id():
    channels: Registry[type] = Registry("channels")

    @channels.register("email")
    class Email:
        pass

    assert channels.get("email") is Email
    assert channels.ids() == ["email"]
    assert "email" in channels


def test_an_unknown_plugin_id_names_the_registry_and_the_id():
    channels: Registry[type] = Registry("channels")
    with pytest.raises(UnknownPlugin, match="channels: no plugin 'sms'"):
        channels.get("sms")


def test_two_plugins_cannot_share_an_id():
    channels: Registry[object] = Registry("channels")
    channels.register("x")(object())
    with pytest.raises(ValueError, match="already registered"):
        channels.register("x")(object())


def test_registering_the_same_plugin_twice_is_harmless():
    channels: Registry[object] = Registry("channels")
    plugin = object()
    channels.register("x")(plugin)
    channels.register("x")(plugin)
    assert channels.ids() == ["x"]


def test_items_are_listed_in_id_order_so_the_back_office_list_is_stable():
    channels: Registry[str] = Registry("channels")
    for plugin_id in ("sms", "email", "post"):
        channels.register(plugin_id)(plugin_id.upper())
    assert list(channels.items()) == [("email", "EMAIL"), ("post", "POST"), ("sms", "SMS")]


def test_an_unregistered_plugin_is_gone_and_its_id_can_be_reused():
    channels: Registry[object] = Registry("channels")
    channels.register("x")(object())
    channels.unregister("x")
    assert "x" not in channels
    replacement = object()
    channels.register("x")(replacement)
    assert channels.get("x") is replacement
