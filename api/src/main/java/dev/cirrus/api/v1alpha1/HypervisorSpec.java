package dev.cirrus.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The only things an administrator sets on a node: everything else is reported in status. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HypervisorSpec {
    @JsonPropertyDescription("Cordon: no new VM is scheduled here (running VMs stay).")
    public Boolean unschedulable;
}
