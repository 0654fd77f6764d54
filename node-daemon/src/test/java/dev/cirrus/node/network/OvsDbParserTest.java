package dev.cirrus.node.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

/** Real ovs-vsctl 3.1 output (uuids shortened), including a broken bridge row: no error, no ofport. */
class OvsDbParserTest {
    private static final String OUTPUT = """
            {"data":[["cirrus-int","netdev",["set",[["uuid","p-int"],["uuid","p-tun"],["uuid","p-tap"]]],["map",[["cirrus-node","n1"]]]],["cov-bad","",["uuid","p-bad"],["map",[]]]],"headings":["name","datapath_type","ports","external_ids"]}
            {"data":[[["uuid","p-int"],"cirrus-int",["set",[]],false,["uuid","i-int"],["map",[]]],[["uuid","p-tun"],"cv0123456789ab",1,true,["uuid","i-tun"],["map",[["cirrus-network","green/net"],["cirrus-role","tunnel"]]]],[["uuid","p-tap"],"ct0123456789ab",1,false,["uuid","i-tap"],["map",[["cirrus-vm","uid-1"]]]],[["uuid","p-bad"],"cov-bad",["set",[]],false,["uuid","i-bad"],["map",[]]]],"headings":["_uuid","name","tag","protected","interfaces","external_ids"]}
            {"data":[[["uuid","i-int"],"cirrus-int","internal",["map",[]],65534,["set",[]],["map",[]]],[["uuid","i-tun"],"cv0123456789ab","geneve",["map",[["key","5001"],["remote_ip","10.99.0.2"]]],1,["set",[]],["map",[]]],[["uuid","i-tap"],"ct0123456789ab","",["map",[]],2,"could not open network device ct0123456789ab (No such device)",["map",[]]],[["uuid","i-bad"],"cov-bad","internal",["map",[]],["set",[]],["set",[]],["map",[]]]],"headings":["_uuid","name","type","options","ofport","error","external_ids"]}
            """;

    @Test
    void parsesBridgesPortsAndInterfaces() {
        OvsDb db = OvsDbParser.parse(OUTPUT);

        assertThat(db.bridges().get("cirrus-int").datapathType()).isEqualTo("netdev");
        assertThat(db.bridges().get("cirrus-int").externalIds()).containsEntry("cirrus-node", "n1");
        assertThat(db.portsOf("cirrus-int")).containsExactlyInAnyOrder("cirrus-int", "cv0123456789ab", "ct0123456789ab");
        assertThat(db.portsOf("cov-bad")).containsExactly("cov-bad"); // a one-element set comes bare
        assertThat(db.portsOf("missing")).isEmpty();

        OvsDb.Port tunnel = db.ports().get("cv0123456789ab");
        assertThat(tunnel.tag()).isEqualTo(OptionalInt.of(1));
        assertThat(tunnel.isProtected()).isTrue();
        assertThat(tunnel.externalIds()).containsEntry("cirrus-network", "green/net");
        assertThat(db.ports().get("cirrus-int").tag()).isEmpty();

        OvsDb.Interface geneve = db.interfaces().get("cv0123456789ab");
        assertThat(geneve.type()).isEqualTo("geneve");
        assertThat(geneve.options()).containsEntry("key", "5001").containsEntry("remote_ip", "10.99.0.2");
        assertThat(geneve.healthy()).isTrue();
    }

    @Test
    void anInterfaceWithAnErrorOrWithoutOpenFlowPortIsNotHealthy() {
        OvsDb db = OvsDbParser.parse(OUTPUT);
        assertThat(db.interfaces().get("ct0123456789ab").error()).hasValueSatisfying(e -> assertThat(e).contains("No such device"));
        assertThat(db.interfaces().get("ct0123456789ab").healthy()).isFalse();
        // add-br without a usable datapath: exit code 0, no error, but no OpenFlow port either
        assertThat(db.interfaces().get("cov-bad").error()).isEqualTo(Optional.empty());
        assertThat(db.interfaces().get("cov-bad").ofport()).isEmpty();
        assertThat(db.interfaces().get("cov-bad").healthy()).isFalse();
    }

    @Test
    void rejectsOutputWithoutTheThreeTables() {
        assertThatThrownBy(() -> OvsDbParser.parse("{\"data\":[],\"headings\":[]}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected 3");
    }
}
