package dev.wasmj.oci.runtime;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** process.user. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class User extends Extensible {
    private Integer uid;
    private Integer gid;
    private Integer umask;
    private List<Integer> additionalGids;
    private String username;

    public Integer getUid() {
        return uid;
    }

    public void setUid(Integer uid) {
        this.uid = uid;
    }

    public Integer getGid() {
        return gid;
    }

    public void setGid(Integer gid) {
        this.gid = gid;
    }

    public Integer getUmask() {
        return umask;
    }

    public void setUmask(Integer umask) {
        this.umask = umask;
    }

    public List<Integer> getAdditionalGids() {
        return additionalGids;
    }

    public void setAdditionalGids(List<Integer> additionalGids) {
        this.additionalGids = additionalGids;
    }

    public String getUsername() {
        return username;
    }

    public void setUsername(String username) {
        this.username = username;
    }
}
