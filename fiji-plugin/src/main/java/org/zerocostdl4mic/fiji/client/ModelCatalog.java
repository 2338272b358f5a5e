package org.zerocostdl4mic.fiji.client;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.zerocostdl4mic.fiji.Defaults;
import org.zerocostdl4mic.protos.v1.ListModelsRequest;
import org.zerocostdl4mic.protos.v1.Model;

/**
 * The server's models as users name them in dialogs and macros: by name, or "name (id)" where names repeat, or by
 * id. A name given twice means its newest model, the one a user who retrained under the same name expects.
 */
public final class ModelCatalog {
    private final List<Model> models;

    public ModelCatalog(List<Model> models) {
        this.models = new ArrayList<>(models);
    }

    public static ModelCatalog fetch(ServerConnection connection) {
        return new ModelCatalog(connection.call(() -> connection.models(Defaults.LIST_DEADLINE_SECONDS)
                .listModels(ListModelsRequest.getDefaultInstance())).getModelsList());
    }

    public List<Model> models() {
        return Collections.unmodifiableList(models);
    }

    /** The dialog items of the ready models, newest first. */
    public String[] labels() {
        List<Model> ready = new ArrayList<>();
        for (Model m : models)
            if (m.getReady())
                ready.add(m);
        ready.sort((a, b) -> Long.compare(seconds(b), seconds(a)));
        String[] labels = new String[ready.size()];
        for (int i = 0; i < labels.length; i++)
            labels[i] = label(ready.get(i));
        return labels;
    }

    String label(Model model) {
        if (model.getName().isEmpty())
            return model.getId();
        int sameName = 0;
        for (Model m : models)
            if (m.getName().equals(model.getName()))
                sameName++;
        return sameName > 1 ? model.getName() + " (" + model.getId() + ")" : model.getName();
    }

    /** The model a dialog item, id or name refers to. */
    public Model resolve(String text) {
        String t = text.trim();
        for (Model m : models)
            if (m.getId().equals(t) || label(m).equals(t))
                return m;
        Model newest = null;
        for (Model m : models)
            if (m.getName().equals(t) && (newest == null || seconds(m) > seconds(newest)))
                newest = m;
        if (newest != null)
            return newest;
        throw new UserFacingException(models.isEmpty()
                ? "The server has no models yet: train one with Plugins > ZeroCostDL4Mic > Train..."
                : "There is no model '" + t + "' on the server: use one of " + String.join(", ", labels()) + ".");
    }

    private static long seconds(Model m) {
        return m.getCreatedAt().getSeconds();
    }
}
