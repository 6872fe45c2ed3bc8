package dev.wasmj.oci.runtime;

import com.fasterxml.jackson.annotation.JsonInclude;

/** linux.resources.memory (bytes; -1 is unlimited). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LinuxMemory extends Extensible {
    private Long limit;
    private Long reservation;
    private Long swap;
    private Long kernel;
    private Long kernelTCP;
    private Long swappiness;
    private Boolean disableOOMKiller;
    private Boolean useHierarchy;
    private Boolean checkBeforeUpdate;

    public Long getLimit() {
        return limit;
    }

    public void setLimit(Long limit) {
        this.limit = limit;
    }

    public Long getReservation() {
        return reservation;
    }

    public void setReservation(Long reservation) {
        this.reservation = reservation;
    }

    public Long getSwap() {
        return swap;
    }

    public void setSwap(Long swap) {
        this.swap = swap;
    }

    public Long getKernel() {
        return kernel;
    }

    public void setKernel(Long kernel) {
        this.kernel = kernel;
    }

    public Long getKernelTCP() {
        return kernelTCP;
    }

    public void setKernelTCP(Long kernelTCP) {
        this.kernelTCP = kernelTCP;
    }

    public Long getSwappiness() {
        return swappiness;
    }

    public void setSwappiness(Long swappiness) {
        this.swappiness = swappiness;
    }

    public Boolean getDisableOOMKiller() {
        return disableOOMKiller;
    }

    public void setDisableOOMKiller(Boolean disableOOMKiller) {
        this.disableOOMKiller = disableOOMKiller;
    }

    public Boolean getUseHierarchy() {
        return useHierarchy;
    }

    public void setUseHierarchy(Boolean useHierarchy) {
        this.useHierarchy = useHierarchy;
    }

    public Boolean getCheckBeforeUpdate() {
        return checkBeforeUpdate;
    }

    public void setCheckBeforeUpdate(Boolean checkBeforeUpdate) {
        this.checkBeforeUpdate = checkBeforeUpdate;
    }
}
